import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .gigs import CURRENCIES, MONEY, Gig
from .teachers import TeacherListing


class PackageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for payment")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed (unused lessons refunded)")
    EXPIRED = "expired", _("Expired (unused lessons refunded)")
    ABANDONED = "abandoned", _("Never paid")


class LessonPackage(models.Model):
    """``lessons`` lessons of one gig's ``minutes`` length, bought at once at the gig's
    package discount and booked one by one against ``lessons_used``.

    Money (see ``tutoring.payments``): the package's payment goes from provider clearing to
    revenue; each lesson taught releases ``unit_price`` to the teacher like a single lesson;
    unused lessons leave revenue back to the learner pro rata (``unit_price`` each).
    ``price`` is always ``unit_price * lessons``, so revenue balances to the cent.

    ``lessons_used`` counts the lessons booked (upcoming or past) and only changes with this
    row locked; the database refuses it above ``lessons``.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tutoring_packages"
    )
    teacher = models.ForeignKey(
        TeacherListing, on_delete=models.PROTECT, related_name="lesson_packages"
    )
    gig = models.ForeignKey(Gig, on_delete=models.PROTECT, related_name="lesson_packages")
    minutes = models.PositiveSmallIntegerField()
    lessons = models.PositiveSmallIntegerField()
    lessons_used = models.PositiveSmallIntegerField(default=0)
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    unit_price = models.DecimalField(**MONEY)
    price = models.DecimalField(**MONEY)
    status = models.CharField(
        max_length=16, choices=PackageStatus.choices, default=PackageStatus.PENDING, db_index=True
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(max_length=200, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    refunded_lessons = models.PositiveSmallIntegerField(default=0)
    refunded_amount = models.DecimalField(**MONEY, default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(lessons_used__lte=F("lessons")), name="tutoring_package_not_overused"
            ),
            models.CheckConstraint(
                condition=Q(refunded_lessons__lte=F("lessons") - F("lessons_used")),
                name="tutoring_package_refund_only_unused",
            ),
            models.CheckConstraint(condition=Q(lessons__gte=2), name="tutoring_package_size"),
            models.CheckConstraint(
                condition=Q(price=F("unit_price") * F("lessons")),
                name="tutoring_package_price_is_units",
            ),
        ]
        indexes = [models.Index(fields=["learner", "status"])]

    def __str__(self) -> str:
        return f"{self.lessons} lessons of {self.gig} · {self.learner}"

    @property
    def lessons_left(self) -> int:
        if self.status != PackageStatus.ACTIVE:
            return 0
        return self.lessons - self.lessons_used
