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
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from cms.abroad.models import CURRENCIES, CancellationPolicy
from core.crypto import mask
from core.fields import EncryptedTextField
from core.uploads import private_storage
from credits.models import AmountOptions
from payouts.models import account_number_validator

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
    minor_edits_skip_review = models.BooleanField(
        _("minor edits skip review"),
        default=False,
        help_text=_(
            "When a partner submits a change to a live course or homestay that only touches "
            "prices (within the limit below), intake seats, new intakes or the stay's "
            "minimum/maximum nights and check-in days, it goes live at once. Any other change "
            "still waits for a moderator."
        ),
    )
    minor_price_change_percent = models.PositiveSmallIntegerField(
        _("a minor price change is at most (%)"),
        default=20,
        validators=[MaxValueValidator(100)],
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
    # The destination's zone when the booking was made: its dates (arrival, check-in) are
    # days there, so "today" and "in three days" are counted there too.
    time_zone = models.CharField(max_length=64, default="UTC")
    total = models.DecimalField(**MONEY)
    due_now = models.DecimalField(**MONEY, help_text=_("The deposit, or the total."))
    amount_paid = models.DecimalField(**MONEY, default=Decimal(0))
    refunded_amount = models.DecimalField(**MONEY, default=Decimal(0))
    cancellation_policy = models.CharField(max_length=10, choices=CancellationPolicy.choices)
    # The long-stay rule replaces the policy on trips of 28 days or more (``policies``).
    long_stay = models.BooleanField(default=False)
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

    def local_today(self, now: datetime | None = None) -> date:
        """Today's date at the destination (the server's zone may be a day behind or ahead)."""
        return timezone.localdate(now or timezone.now(), ZoneInfo(self.time_zone))

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


# --- Vendor onboarding ------------------------------------------------------------------------


class VendorKind(models.TextChoices):
    INSTITUTION = "institution", _("Language school")
    HOMESTAY = "homestay", _("Homestay host")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for verification")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class VendorApplication(models.Model):
    """A school or a homestay host asking to list on the platform: their details and
    documents, checked in the admin's verification queue. Approval makes them a draft
    listing of their own (a page subtree) that they edit in the restricted editor."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="abroad_applications"
    )
    kind = models.CharField(_("I am"), max_length=12, choices=VendorKind.choices)
    status = models.CharField(
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
        db_index=True,
    )
    organisation = models.CharField(_("school or host name"), max_length=160)
    destination = models.ForeignKey(
        "cms_abroad.DestinationPage",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("city"),
    )
    address = models.CharField(_("address"), max_length=200)
    # Encrypted at rest like the profile's phone; moderators see it masked and reveal it
    # with a logged action (``services.reveal_application_phone``).
    phone = EncryptedTextField(_("phone"), max_length=40, single_line=True)
    website = models.URLField(_("website"), blank=True)
    about = models.TextField(_("about you"), max_length=2000)
    accreditation = models.CharField(_("accreditation"), max_length=200, blank=True)
    # The bank account the partner's earnings go to: encrypted at rest, shown masked, and
    # moved to their payout method (``payouts``) when the application is approved.
    payout_holder = EncryptedTextField(
        _("account holder"), max_length=140, blank=True, single_line=True
    )
    payout_details = EncryptedTextField(
        _("IBAN or account number"),
        max_length=34,
        blank=True,
        single_line=True,
        validators=[account_number_validator],
    )
    decline_reason = models.TextField(blank=True)
    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status="pending"),
                name="abroad_one_pending_application",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_kind_display()})"

    @property
    def masked_payout_account(self) -> str:
        return mask(self.payout_details)

    @property
    def masked_phone(self) -> str:
        return mask(self.phone, visible=3)


class DocumentKind(models.TextChoices):
    LICENCE = "licence", _("Business licence")
    ACCREDITATION = "accreditation", _("Accreditation")
    ID = "id", _("Identity document")
    PROOF_OF_ADDRESS = "address", _("Proof of address")


def vendor_document_path(document: "VendorDocument", filename: str) -> str:
    return f"abroad/vendors/{document.application.user_id}/{filename}"


class VendorDocument(models.Model):
    """A document of an application, stored privately (served only to the applicant and
    to reviewers, ``website.vendor_document``); its type is the sniffed one."""

    application = models.ForeignKey(
        VendorApplication, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    file = models.FileField(upload_to=vendor_document_path, storage=private_storage, max_length=255)
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.application})"


# --- Reviews ---------------------------------------------------------------------------------


class ReviewStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden by a moderator")


class AbroadReview(models.Model):
    """A learner's review of a course or a homestay they completed: one per booking and
    listing (a package can review both). Averages are computed in SQL by the selectors."""

    booking = models.ForeignKey(AbroadBooking, on_delete=models.CASCADE, related_name="reviews")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="abroad_reviews"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(max_length=2000, blank=True)
    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED, db_index=True
    )
    moderation_note = models.CharField(max_length=255, blank=True)
    vendor_reply = models.TextField(max_length=2000, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "page"], name="abroad_review_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="abroad_review_rating_range"
            ),
        ]
        indexes = [models.Index(fields=["page", "status"])]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.page_id}"


class BookingReminder(models.Model):
    """A reminder sent before arrival: one row per booking, so the beat task that sends
    them is idempotent (the row is written in the same transaction that queues the mail)."""

    booking = models.OneToOneField(AbroadBooking, on_delete=models.CASCADE, related_name="reminder")
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"reminder {self.booking_id}"
