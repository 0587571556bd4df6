"""Writes on materials: the library, sharing, packs, purchases and ratings."""

from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, ProtectedError
from django.utils import timezone

from accounts.models import User
from core.tags import set_tags
from core.uploads import RejectedUpload, checked_type, private_storage, stored_name

from . import conf, selectors
from .errors import (
    AlreadyPurchased,
    AlreadyRated,
    InvalidMaterialFile,
    InvalidPack,
    MaterialInUse,
    MaterialTooLarge,
    NotATeacher,
    NotYourLearner,
    PackNotForSale,
    PackNotFree,
    RatingNotAllowed,
)
from .models import (
    EarningsDebt,
    Material,
    MaterialKind,
    MaterialPack,
    MaterialShare,
    PackItem,
    PackPurchase,
    PackRating,
    PackStatus,
    PurchaseStatus,
)

# What libmagic reports for the files we accept, by kind. The file's name and the client's
# Content-Type are never trusted: the first bytes decide.
ACCEPTED_TYPES: dict[str, MaterialKind] = {
    "application/pdf": MaterialKind.PDF,
    "audio/mpeg": MaterialKind.AUDIO,
    "audio/x-wav": MaterialKind.AUDIO,
    "audio/wav": MaterialKind.AUDIO,
    "audio/ogg": MaterialKind.AUDIO,
    "audio/flac": MaterialKind.AUDIO,
    "audio/x-flac": MaterialKind.AUDIO,
    "audio/x-m4a": MaterialKind.AUDIO,
    "audio/mp4": MaterialKind.AUDIO,
    "audio/aac": MaterialKind.AUDIO,
    "audio/webm": MaterialKind.AUDIO,
    "video/mp4": MaterialKind.VIDEO,
    "video/webm": MaterialKind.VIDEO,
    "video/quicktime": MaterialKind.VIDEO,
    "video/ogg": MaterialKind.VIDEO,
    "video/x-matroska": MaterialKind.VIDEO,
}
MAX_TAGS = 10


def _require_teacher(user: User) -> None:
    if not selectors.is_teacher(user):
        raise NotATeacher()


def check_material_file(upload: UploadedFile) -> tuple[MaterialKind, str]:
    """The file's kind and MIME type, from its content; refuses others and oversized ones."""
    try:
        mime = checked_type(upload, ACCEPTED_TYPES)
    except RejectedUpload as exc:
        raise InvalidMaterialFile(
            f"This file's content is {exc.mime}; upload a PDF, an audio or a video file."
        ) from exc
    kind = ACCEPTED_TYPES[mime]
    limit = conf.max_bytes(kind)
    if upload.size is None or upload.size > limit:
        raise MaterialTooLarge(f"A {kind.label.lower()} may be at most {limit // 2**20} MB.")
    return kind, mime


def _set_tags(material: Material, tags: Iterable[str]) -> None:
    # Material tags are lower-case (the library filters by them); the cap and the bulk
    # write are the shared ones.
    set_tags(material.tags, (tag.lower() for tag in tags), limit=MAX_TAGS)


def upload_material(
    teacher: User,
    *,
    upload: UploadedFile,
    title: str,
    description: str = "",
    tags: Sequence[str] = (),
) -> Material:
    _require_teacher(teacher)
    kind, mime = check_material_file(upload)
    material = Material(
        teacher=teacher,
        title=title.strip() or (upload.name or "")[:200],
        description=description,
        kind=kind,
        content_type=mime,
        original_name=(upload.name or f"{kind}")[-255:],
        size=upload.size or 0,
    )
    material.file.save(stored_name(mime), upload, save=False)
    stored = material.file.name
    try:
        with transaction.atomic():
            material.save()
            _set_tags(material, tags)
    except Exception:
        # The file is stored before the row; a row that fails must not leave it behind.
        if stored:  # set by the save above; the field's type allows none
            private_storage().delete(stored)
        raise
    return material


@transaction.atomic
def update_material(
    material: Material,
    *,
    title: str | None = None,
    description: str | None = None,
    tags: Sequence[str] | None = None,
) -> Material:
    fields = ["updated_at"]
    if title is not None:
        material.title = title.strip()
        fields.append("title")
    if description is not None:
        material.description = description
        fields.append("description")
    material.save(update_fields=fields)
    if tags is not None:
        _set_tags(material, tags)
    return material


def delete_material(material: Material) -> None:
    name = material.file.name
    try:
        with transaction.atomic():
            material.delete()
    except ProtectedError as error:
        raise MaterialInUse() from error
    if name:  # a material always has its file; the field's type allows none
        transaction.on_commit(lambda: private_storage().delete(name))


def share_material(material: Material, *, learner_id: Any) -> MaterialShare:
    """Shares with one of the teacher's learners (someone who booked a lesson with them).
    Sharing twice is harmless."""
    if not selectors.is_learner_of(material.teacher, learner_id):
        raise NotYourLearner()
    share, _ = MaterialShare.objects.get_or_create(material=material, learner_id=learner_id)
    return share


def unshare_material(material: Material, *, learner_id: Any) -> bool:
    deleted, _ = MaterialShare.objects.filter(material=material, learner_id=learner_id).delete()
    return bool(deleted)


# --- Packs ----------------------------------------------------------------------------------


def _set_items(pack: MaterialPack, material_ids: Sequence[Any], preview_id: Any | None) -> None:
    ids = list(dict.fromkeys(str(value) for value in material_ids))
    if not ids:
        raise InvalidPack("A pack holds at least one material.")
    owned = {
        str(pk)
        for pk in Material.objects.filter(pk__in=ids, teacher_id=pack.teacher_id).values_list(
            "pk", flat=True
        )
    }
    missing = [value for value in ids if value not in owned]
    if missing:
        raise InvalidPack("A pack holds only materials from your own library.")
    if preview_id is not None and str(preview_id) not in owned:
        raise InvalidPack("The free sample must be one of the pack's materials.")
    pack.items.all().delete()
    PackItem.objects.bulk_create(
        PackItem(
            pack=pack,
            material_id=value,
            position=position,
            is_preview=preview_id is not None and value == str(preview_id),
        )
        for position, value in enumerate(ids)
    )


@transaction.atomic
def create_pack(
    teacher: User,
    *,
    title: str,
    language: str,
    level: str,
    price: Decimal,
    currency: str,
    material_ids: Sequence[Any],
    preview_id: Any | None = None,
    description: str = "",
) -> MaterialPack:
    _require_teacher(teacher)
    pack = MaterialPack.objects.create(
        teacher=teacher,
        title=title.strip(),
        description=description,
        language=language.strip().lower(),
        level=level,
        price=price,
        currency=currency,
    )
    _set_items(pack, material_ids, preview_id)
    return pack


_UNSET: Any = object()


@transaction.atomic
def update_pack(
    pack: MaterialPack,
    *,
    material_ids: Sequence[Any] | None = None,
    preview_id: Any = _UNSET,
    **fields: Any,
) -> MaterialPack:
    """Changes a pack. Price changes apply to later purchases only (a purchase keeps what
    was paid)."""
    pack = MaterialPack.objects.select_for_update().get(pk=pack.pk)
    for name, value in fields.items():
        setattr(pack, name, value.strip().lower() if name == "language" else value)
    pack.save()
    if material_ids is not None or preview_id is not _UNSET:
        current = list(pack.items.values_list("material_id", flat=True))
        preview = (
            pack.items.filter(is_preview=True).values_list("material_id", flat=True).first()
            if preview_id is _UNSET
            else preview_id
        )
        _set_items(pack, material_ids if material_ids is not None else current, preview)
    return pack


@transaction.atomic
def publish_pack(pack: MaterialPack) -> MaterialPack:
    pack = MaterialPack.objects.select_for_update().get(pk=pack.pk)
    if not pack.items.exists():
        raise InvalidPack("A pack holds at least one material.")
    if pack.status != PackStatus.PUBLISHED:
        pack.status = PackStatus.PUBLISHED
        pack.published_at = pack.published_at or timezone.now()
        pack.save(update_fields=["status", "published_at", "updated_at"])
    return pack


@transaction.atomic
def unpublish_pack(pack: MaterialPack) -> MaterialPack:
    """Takes a pack off sale; its buyers keep their downloads."""
    pack = MaterialPack.objects.select_for_update().get(pk=pack.pk)
    pack.status = PackStatus.DRAFT
    pack.save(update_fields=["status", "updated_at"])
    return pack


@transaction.atomic
def moderate_pack(pack: MaterialPack, *, hidden: bool, note: str = "") -> MaterialPack:
    pack = MaterialPack.objects.select_for_update().get(pk=pack.pk)
    pack.hidden = hidden
    pack.moderation_note = note
    pack.save(update_fields=["hidden", "moderation_note", "updated_at"])
    return pack


# --- Purchases (called by the ``material_pack`` payment purpose) -----------------------------


def record_purchase(*, pack_id: Any, learner: User, payment: Any) -> PackPurchase:
    """Runs inside the payment's transaction. A second successful payment for a pack the
    learner already owns (two tabs, two providers) keeps the first purchase; the extra
    payment stays visible to finance for a refund."""
    purchase, created = PackPurchase.objects.get_or_create(
        pack_id=pack_id,
        learner=learner,
        defaults={"payment": payment, "amount": payment.amount, "currency": payment.currency},
    )
    if not created and purchase.status == PurchaseStatus.REFUNDED:
        purchase.status = PurchaseStatus.PAID
        purchase.payment = payment
        purchase.amount = payment.amount
        purchase.currency = payment.currency
        purchase.refunded_at = None
        purchase.save()
    return purchase


def get_free_pack(pack: MaterialPack, *, learner: User) -> PackPurchase:
    """Gives a free pack to a learner: a purchase of 0 without a payment, so downloads,
    "My materials" and ratings work as for a bought pack. No provider and no ledger are
    involved (nothing is paid, nobody earns). Once per learner: getting it again returns the
    same purchase. Callers require a verified email address, as for paid checkouts."""
    with transaction.atomic():
        # The pack's row lock orders this with a price change (update_pack locks it too).
        pack = MaterialPack.objects.select_for_update().get(pk=pack.pk)
        if not pack.is_listed or pack.teacher_id == learner.pk:
            raise PackNotForSale()
        if not pack.is_free:
            raise PackNotFree()
        purchase = (
            PackPurchase.objects.select_for_update().filter(pack=pack, learner=learner).first()
        )
        if purchase is None:
            return PackPurchase.objects.create(
                pack=pack,
                learner=learner,
                payment=None,
                amount=Decimal("0"),
                currency=pack.currency,
            )
        if purchase.status == PurchaseStatus.PAID:
            raise AlreadyPurchased()
        # Bought, refunded, and the pack has become free since: theirs again, for nothing.
        purchase.status = PurchaseStatus.PAID
        purchase.payment = None
        purchase.amount = Decimal("0")
        purchase.currency = pack.currency
        purchase.refunded_at = None
        purchase.save()
        return purchase


def revoke_purchase(payment: Any) -> None:
    """A fully refunded purchase gives up its downloads (and its rating's weight)."""
    purchase = PackPurchase.objects.select_for_update().filter(payment=payment).first()
    if purchase is None or purchase.status == PurchaseStatus.REFUNDED:
        return
    purchase.status = PurchaseStatus.REFUNDED
    purchase.refunded_at = timezone.now()
    purchase.save(update_fields=["status", "refunded_at"])
    if PackRating.objects.filter(pack_id=purchase.pack_id, learner_id=purchase.learner_id).delete()[
        0
    ]:
        refresh_rating(purchase.pack_id)


def outstanding_debts(teacher_id: Any) -> dict[str, Decimal]:
    """What the teacher still owes for refunds made after a payout, per currency."""
    from django.db.models import F, Sum

    rows = (
        EarningsDebt.objects.filter(teacher_id=teacher_id, settled_at__isnull=True)
        .values("currency")
        .annotate(total=Sum(F("amount") - F("recovered")))
        .order_by()
    )
    return {row["currency"]: row["total"] for row in rows}


def recover_debts(account: Any, idempotency_key: str) -> Decimal:
    """Repays the owner's outstanding debts in the earnings ``account``'s currency (refunds
    after a payout) from it, oldest first, as far as it holds: one transfer from earnings to
    the platform's revenue account, which fronted them. Returns the amount repaid.

    Registered as a ``credits.claims.Claim``: the ledger runs it in the transaction of every
    transfer that credits earnings (any lesson, gift, seat or pack sale) and payouts before
    holding a payout. The earnings account is locked before the debts, as everywhere."""
    from credits.models import LedgerAccount
    from credits.services import repay_oldest_first

    account = LedgerAccount.objects.select_for_update().get(pk=account.pk)
    debts = list(
        EarningsDebt.objects.select_for_update()
        .filter(teacher_id=account.owner_id, currency=account.currency, settled_at__isnull=True)
        .order_by("created_at", "pk")
    )
    now = timezone.now()

    def settle(debt: EarningsDebt, part: Decimal) -> None:
        debt.recovered += part
        debt.settled_at = now if debt.outstanding == 0 else None
        debt.save(update_fields=["recovered", "settled_at"])

    return repay_oldest_first(
        account,
        idempotency_key,
        debts,
        owed=lambda debt: debt.outstanding,
        settle=settle,
        kind="materials_debt_recovery",
        memo="Repayment of refunds made after a payout",
        metadata_key="debts",
    )


# --- Ratings --------------------------------------------------------------------------------


def refresh_rating(pack_id: Any) -> MaterialPack:
    """Recomputes the aggregates in SQL from the ratings; call with the pack row locked."""
    pack = MaterialPack.objects.select_for_update().get(pk=pack_id)
    totals = PackRating.objects.filter(pack_id=pack_id).aggregate(
        count=Count("pk"), average=Avg("rating")
    )
    pack.rating_count = totals["count"]
    pack.rating_average = (
        Decimal(str(totals["average"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if totals["count"]
        else Decimal("0")
    )
    pack.save(update_fields=["rating_count", "rating_average"])
    return pack


def rate_pack(pack: MaterialPack, *, by: User, rating: int, text: str = "") -> PackRating:
    if not 1 <= rating <= 5:
        raise RatingNotAllowed("A rating is 1 to 5 stars.")
    with transaction.atomic():
        MaterialPack.objects.select_for_update().get(pk=pack.pk)
        if not PackPurchase.objects.filter(
            pack=pack, learner=by, status=PurchaseStatus.PAID
        ).exists():
            raise RatingNotAllowed()
        try:
            with transaction.atomic():
                created = PackRating.objects.create(pack=pack, learner=by, rating=rating, text=text)
        except IntegrityError as error:
            raise AlreadyRated() from error
        refresh_rating(pack.pk)
    return created
