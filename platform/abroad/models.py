"""Seats, nights and bookings of the study-abroad marketplace (the listings are pages in
``cms.abroad``).

Never oversell:

* Seats: a booking takes ``seats`` of one ``CourseIntake``; the services lock the intake
  rows ``FOR UPDATE`` in primary-key order (pretix's quota locking) and count the active
  bookings under that lock, so concurrent buyers queue and only the ones that fit get in.
* Nights: every occupied night range of a room is a ``RoomStay`` row; PostgreSQL refuses
  two active stays of one room that overlap (exclusion constraint
  ``abroad_roomstay_no_overlap``, migration 0002). A vendor's blocked dates are stays too.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from cms.abroad.models import CURRENCIES, CancellationPolicy
from credits.models import AmountOptions

MONEY: AmountOptions = {"max_digits": 12, "decimal_places": 2}


class BookingStatus(models.TextChoices):
    HELD = "held", _("Held while paying")
    AWAITING_VENDOR = "awaiting_vendor", _("Waiting for the provider")
    CONFIRMED = "confirmed", _("Confirmed (deposit paid)")
    PAID = "paid", _("Paid in full")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    LAPSED = "lapsed", _("Request lapsed")
    EXPIRED = "expired", _("Hold expired")


# The statuses that occupy seats and nights.
ACTIVE_STATUSES = (
    BookingStatus.HELD,
    BookingStatus.AWAITING_VENDOR,
    BookingStatus.CONFIRMED,
    BookingStatus.PAID,
    BookingStatus.COMPLETED,
)
UPCOMING_STATUSES = (
    BookingStatus.HELD,
    BookingStatus.AWAITING_VENDOR,
    BookingStatus.CONFIRMED,
    BookingStatus.PAID,
)


@register_setting(icon="site")
class AbroadSettings(BaseGenericSetting):
    """Study-abroad policies, edited by admins (Settings → Study abroad)."""

    hold_minutes = models.PositiveSmallIntegerField(_("hold while paying (minutes)"), default=30)
    request_response_hours = models.PositiveSmallIntegerField(
        _("providers answer a booking request within (hours)"), default=48
    )
    accepted_request_hold_hours = models.PositiveSmallIntegerField(
        _("after acceptance, the learner pays within (hours)"), default=24
    )
    institution_commission_percent = models.PositiveSmallIntegerField(
        _("platform commission on courses (%)"), default=12
    )
    homestay_commission_percent = models.PositiveSmallIntegerField(
        _("platform commission on homestays (%)"), default=10
    )

    class Meta:
        verbose_name = _("study abroad")


class AbroadBooking(models.Model):
    """A course seat, a homestay stay, or both (a package): one hold, one price, one
    checkout. Prices are in the listing's currency and fixed when the booking is made, as
    is the cancellation policy."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="abroad_bookings"
    )
    status = models.CharField(
        max_length=16, choices=BookingStatus.choices, default=BookingStatus.HELD, db_index=True
    )

    # The course part. The intake may be removed from the page later (SET_NULL): the
    # booking keeps its dates and price.
    course = models.ForeignKey(
        "cms_abroad.CoursePage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    intake = models.ForeignKey(
        "cms_abroad.CourseIntake",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="abroad_bookings",
    )
    seats = models.PositiveSmallIntegerField(default=0)
    weeks = models.PositiveSmallIntegerField(default=0)
    course_start = models.DateField(null=True, blank=True)
    course_end = models.DateField(null=True, blank=True)
    course_amount = models.DecimalField(**MONEY, default=Decimal(0))
    course_vendor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # The stay part.
    homestay = models.ForeignKey(
        "cms_abroad.HomestayPage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    room = models.ForeignKey(
        "cms_abroad.HomestayRoom",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="abroad_bookings",
    )
    check_in = models.DateField(null=True, blank=True)
    check_out = models.DateField(null=True, blank=True)
    stay_amount = models.DecimalField(**MONEY, default=Decimal(0))
    stay_vendor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    currency = models.CharField(max_length=3, choices=CURRENCIES)
    total = models.DecimalField(**MONEY)
    due_now = models.DecimalField(**MONEY, help_text=_("The deposit, or the total."))
    amount_paid = models.DecimalField(**MONEY, default=Decimal(0))
    refunded_amount = models.DecimalField(**MONEY, default=Decimal(0))
    cancellation_policy = models.CharField(max_length=10, choices=CancellationPolicy.choices)
    by_request = models.BooleanField(default=False)
    # Providers (user ids as text) whose acceptance a request still waits for.
    awaiting_vendors = models.JSONField(default=list, blank=True)
    # Payments already counted (the provider may repeat its events).
    payment_references = models.JSONField(default=list, blank=True)

    hold_expires_at = models.DateTimeField(null=True, blank=True)
    respond_by = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by_vendor = models.BooleanField(default=False)
    cancellation_reason = models.CharField(max_length=255, blank=True)
    vendors_paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(intake__isnull=True) | Q(seats__gte=1),
                name="abroad_booking_seats_positive",
            ),
            models.CheckConstraint(
                condition=Q(check_in__isnull=True) | Q(check_out__gt=F("check_in")),
                name="abroad_booking_stay_ordered",
            ),
            models.CheckConstraint(
                condition=Q(due_now__lte=F("total")) & Q(refunded_amount__lte=F("amount_paid")),
                name="abroad_booking_money_sane",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "hold_expires_at"]),
            models.Index(fields=["status", "respond_by"]),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def kind(self) -> str:
        if self.course_id and self.room_id:
            return "package"
        return "course" if self.course_id else "stay"

    @property
    def title(self) -> str:
        parts = []
        if self.course_id and self.course is not None:
            parts.append(self.course.title)
        if self.homestay_id and self.homestay is not None:
            parts.append(self.homestay.title)
        return " + ".join(parts) or str(_("Study abroad booking"))

    @property
    def balance_due(self) -> Decimal:
        return self.total - self.amount_paid

    @property
    def nights(self) -> int:
        if self.check_in and self.check_out:
            return (self.check_out - self.check_in).days
        return 0

    @property
    def arrival(self):  # type: ignore[no-untyped-def]
        dates = [day for day in (self.course_start, self.check_in) if day]
        return min(dates) if dates else None

    @property
    def departure(self):  # type: ignore[no-untyped-def]
        dates = [day for day in (self.course_end, self.check_out) if day]
        return max(dates) if dates else None

    def vendors(self) -> set[str]:
        """The providers' user ids, as text."""
        return {str(pk) for pk in (self.course_vendor_id, self.stay_vendor_id) if pk}


class RoomStay(models.Model):
    """Nights a room is occupied [check_in, check_out): a booking's stay, or dates the host
    blocked (``booking`` empty). Only ``active`` rows count."""

    room = models.ForeignKey(
        "cms_abroad.HomestayRoom", on_delete=models.CASCADE, related_name="stays"
    )
    booking = models.OneToOneField(
        AbroadBooking, on_delete=models.CASCADE, null=True, blank=True, related_name="stay"
    )
    check_in = models.DateField()
    check_out = models.DateField()
    active = models.BooleanField(default=True)
    note = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["check_in"]
        constraints = [
            models.CheckConstraint(
                condition=Q(check_out__gt=F("check_in")), name="abroad_roomstay_ordered"
            )
        ]
        indexes = [models.Index(fields=["room", "active", "check_in"])]

    def __str__(self) -> str:
        return f"{self.room_id}: {self.check_in} → {self.check_out}"

    @property
    def is_block(self) -> bool:
        return self.booking_id is None


class WishlistItem(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="abroad_wishlist"
    )
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "page"], name="abroad_wishlist_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.page_id}"
