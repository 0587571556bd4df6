"""A teacher's library of files, what they share with their learners, and the packs they sell.

Files live in the private storage (outside MEDIA_ROOT; a private prefix on S3) under our
own names: every download goes through a permission-checked view
(``materials.selectors.downloadable``).
"""

import uuid
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from core.uploads import private_storage
from tutoring.models.gigs import CURRENCIES, MONEY
from tutoring.models.teachers import CefrLevel


class MaterialKind(models.TextChoices):
    PDF = "pdf", _("PDF document")
    AUDIO = "audio", _("Audio")
    VIDEO = "video", _("Video")


def material_path(instance: "Material", filename: str) -> str:
    # The stored name says nothing about the file: the original name is kept on the row.
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"materials/{instance.teacher_id}/{uuid.uuid4().hex}{suffix}"


class TaggedMaterial(TaggedItemBase):
    content_object = models.ForeignKey(
        "Material", on_delete=models.CASCADE, related_name="tagged_items"
    )


# taggit ships no types: the stubs' plugin cannot build the ``tagged_items`` reverse manager.
class Material(models.Model):  # type: ignore[django-manager-missing]
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teaching_materials"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=MaterialKind.choices)
    content_type = models.CharField(max_length=100, editable=False)
    file = models.FileField(upload_to=material_path, storage=private_storage, max_length=255)
    original_name = models.CharField(max_length=255, editable=False)
    size = models.PositiveBigIntegerField(editable=False)
    tags = TaggableManager(through=TaggedMaterial, blank=True)
    hidden = models.BooleanField(
        _("hidden by a moderator"), default=False, help_text=_("Only its teacher sees it.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["teacher", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class MaterialShare(models.Model):
    """One material shared with one of the teacher's learners."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="shares")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shared_materials"
    )
    shared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-shared_at"]
        constraints = [
            models.UniqueConstraint(fields=["material", "learner"], name="materials_share_once")
        ]
        indexes = [models.Index(fields=["learner", "-shared_at"])]

    def __str__(self) -> str:
        return f"{self.material} → {self.learner}"


class PackStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


# The smallest price of a paid pack (payment providers refuse smaller charges); 0 is free.
MIN_PRICE = Decimal("0.50")


class MaterialPack(models.Model):
    """A set of a teacher's materials sold together. Listed while published and not hidden.
    A price of 0 makes it free: learners get it without a payment (``services.get_free_pack``).

    ``rating_average``/``rating_count`` are recomputed in SQL from the ratings, in the
    transaction that changes one, with this row locked (``services.rate_pack``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="material_packs"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=16, db_index=True)
    level = models.CharField(_("level"), max_length=2, choices=CefrLevel.choices)
    price = models.DecimalField(_("price"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES, default="EUR")
    materials = models.ManyToManyField(Material, through="PackItem", related_name="packs")
    status = models.CharField(max_length=16, choices=PackStatus.choices, default=PackStatus.DRAFT)
    hidden = models.BooleanField(
        _("hidden by a moderator"),
        default=False,
        help_text=_("Hidden packs leave the marketplace; buyers keep their downloads."),
    )
    moderation_note = models.CharField(_("moderation note"), max_length=255, blank=True)
    rating_average = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("0"), editable=False
    )
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price=0) | Q(price__gte=MIN_PRICE), name="materials_pack_free_or_paid"
            ),
            models.CheckConstraint(
                condition=Q(rating_average__gte=0) & Q(rating_average__lte=5),
                name="materials_pack_rating_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "hidden", "-published_at"]),
            models.Index(fields=["status", "hidden", "-rating_average"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def is_listed(self) -> bool:
        return self.status == PackStatus.PUBLISHED and not self.hidden


class PackItem(models.Model):
    pack = models.ForeignKey(MaterialPack, on_delete=models.CASCADE, related_name="items")
    # PROTECT: a material sold in a pack cannot vanish from under its buyers.
    material = models.ForeignKey(Material, on_delete=models.PROTECT, related_name="pack_items")
    position = models.PositiveSmallIntegerField(default=0)
    is_preview = models.BooleanField(
        _("free sample"), default=False, help_text=_("Anyone browsing may download it.")
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "material"], name="materials_item_once"),
            models.UniqueConstraint(
                fields=["pack"], condition=Q(is_preview=True), name="materials_one_preview"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pack}: {self.material}"


class PurchaseStatus(models.TextChoices):
    PAID = "paid", _("Paid")
    REFUNDED = "refunded", _("Refunded")


class PackPurchase(models.Model):
    """A learner's purchase of a pack: one per learner and pack, created when the payment
    succeeds (the ``material_pack`` purpose's fulfilment), or, for a free pack, when the
    learner gets it (no payment, amount 0)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pack = models.ForeignKey(MaterialPack, on_delete=models.PROTECT, related_name="purchases")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pack_purchases"
    )
    payment = models.OneToOneField(
        "payments.Payment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pack_purchase",
    )
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    status = models.CharField(
        max_length=16, choices=PurchaseStatus.choices, default=PurchaseStatus.PAID
    )
    purchased_at = models.DateTimeField(auto_now_add=True)
    refunded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-purchased_at"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "learner"], name="materials_purchase_once")
        ]
        indexes = [models.Index(fields=["learner", "-purchased_at"])]

    def __str__(self) -> str:
        return f"{self.learner} bought {self.pack}"


class PackRating(models.Model):
    """1 to 5 stars and a text, by a buyer, once per pack."""

    pack = models.ForeignKey(MaterialPack, on_delete=models.CASCADE, related_name="ratings")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pack_ratings"
    )
    rating = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "learner"], name="materials_rating_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="materials_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.pack}"


class EarningsDebt(models.Model):
    """What a teacher owes the platform after a pack refund their earnings could not cover
    (they had been paid out). The platform fronted ``amount`` from its revenue account in
    the refund's transfer; whatever next credits the teacher's earnings in the currency (a
    lesson, a gift, a seat, a pack sale) or a payout request repays it first
    (``recovered``), oldest debt first (``services.recover_debts``, a ``credits.claims``
    claim)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="earnings_debts"
    )
    refund = models.OneToOneField(
        "payments.Refund", on_delete=models.PROTECT, related_name="materials_debt"
    )
    pack = models.ForeignKey(MaterialPack, on_delete=models.PROTECT, related_name="debts")
    amount = models.DecimalField(_("owed"), **MONEY)
    recovered = models.DecimalField(_("repaid"), **MONEY, default=Decimal("0"))
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="materials_debt_positive"),
            models.CheckConstraint(
                condition=Q(recovered__gte=0) & Q(recovered__lte=models.F("amount")),
                name="materials_debt_recovered_in_range",
            ),
        ]
        indexes = [models.Index(fields=["teacher", "currency", "created_at"])]

    def __str__(self) -> str:
        return f"{self.teacher} owes {self.outstanding} {self.currency}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.recovered
