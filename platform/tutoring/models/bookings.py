import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .gigs import CURRENCIES, MONEY, Gig
from .teachers import CefrLevel, TeacherListing


class LessonType(models.TextChoices):
    TRIAL = "trial", _("Trial lesson")
    SINGLE = "single", _("Single lesson")
    PACKAGE = "package", _("Lesson of a package")
    GROUP = "group", _("Seat in a group session")


class BookingStatus(models.TextChoices):
    HELD = "held", _("Held while paying")
    CONFIRMED = "confirmed", _("Confirmed")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_CONFIRMATION = "awaiting_confirmation", _("Waiting for the learner's confirmation")
    DISPUTED = "disputed", _("Disputed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Hold expired")
    NO_SHOW = "no_show", _("No-show")


# The statuses that occupy the teacher's time. The exclusion constraint (migration 0002)
# uses exactly this list: a booking leaves it by being cancelled, expiring or a no-show.
ACTIVE_BOOKING_STATUSES = (
    BookingStatus.HELD,
    BookingStatus.CONFIRMED,
    BookingStatus.IN_PROGRESS,
    BookingStatus.AWAITING_CONFIRMATION,
    BookingStatus.DISPUTED,
    BookingStatus.COMPLETED,
)


class MeetingProvider(models.TextChoices):
    CLASSROOM = "classroom", _("Toto classroom")
    ZOOM = "zoom", _("Zoom")


class GroupSession(models.Model):
    """A session the teacher publishes at a fixed time with a topic, a price per seat and a
    number of seats. ``seats_taken`` only changes with this row locked, and the database
    refuses it above ``seats``: a session is never oversold.

    ``level`` is the CEFR level the session is pitched at; blank means open to every level
    the teacher teaches in the gig's language (``selectors.group_sessions.suited_to_level``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    teacher = models.ForeignKey(
        TeacherListing, on_delete=models.CASCADE, related_name="group_sessions"
    )
    gig = models.ForeignKey(Gig, on_delete=models.PROTECT, related_name="group_sessions")
    topic = models.CharField(_("topic"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(
        _("level"),
        max_length=2,
        choices=CefrLevel.choices,
        blank=True,
        help_text=_("The CEFR level the session is for; blank: open to all levels taught."),
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    price = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    seats = models.PositiveSmallIntegerField()
    seats_taken = models.PositiveSmallIntegerField(default=0, editable=False)
    cancelled = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The one classroom (rooms app) every seat of the session meets in, made on publishing.
    room_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("seats")), name="tutoring_session_not_oversold"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="tutoring_session_ordered"
            ),
            models.CheckConstraint(condition=Q(seats__gte=1), name="tutoring_session_has_seats"),
            models.CheckConstraint(condition=Q(price__gte=0), name="tutoring_session_price_sane"),
        ]
        indexes = [models.Index(fields=["cancelled", "start"])]

    def __str__(self) -> str:
        return f"{self.topic} ({self.start:%Y-%m-%d %H:%M})"

    @property
    def seats_left(self) -> int:
        return self.seats - self.seats_taken

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


class Booking(models.Model):
    """One learner's lesson with one teacher (or their seat in a group session).

    ``blocked_start``/``blocked_end`` is the lesson widened by the teacher's buffers: that
    range, for the statuses in ``ACTIVE_BOOKING_STATUSES``, is what PostgreSQL keeps from
    overlapping per teacher (an exclusion constraint with btree_gist, migration 0002).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    teacher = models.ForeignKey(TeacherListing, on_delete=models.PROTECT, related_name="bookings")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tutoring_bookings"
    )
    gig = models.ForeignKey(Gig, on_delete=models.PROTECT, related_name="bookings")
    group_session = models.ForeignKey(
        GroupSession, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    lesson_type = models.CharField(
        max_length=16, choices=LessonType.choices, default=LessonType.SINGLE
    )
    # A lesson booked against a package (``lesson_type`` package): paid by the package's
    # payment, never by one of its own.
    package = models.ForeignKey(
        "tutoring.LessonPackage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bookings",
    )
    status = models.CharField(
        max_length=24, choices=BookingStatus.choices, default=BookingStatus.HELD, db_index=True
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    blocked_start = models.DateTimeField(editable=False)
    blocked_end = models.DateTimeField(editable=False)
    hold_expires_at = models.DateTimeField(null=True, blank=True)

    # Money: ``price`` is what the learner pays up front; for per-minute gigs it is the
    # pre-authorised maximum and ``billed_amount`` what the attendance finally justified.
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    price = models.DecimalField(**MONEY)
    price_per_minute = models.DecimalField(**MONEY, null=True, blank=True)
    billed_minutes = models.PositiveIntegerField(null=True, blank=True)
    billed_amount = models.DecimalField(**MONEY, null=True, blank=True)
    refunded_amount = models.DecimalField(**MONEY, default=0)
    payment_reference = models.CharField(max_length=200, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    # Where the lesson takes place (the built-in classroom or Zoom): not the payment provider.
    meeting_provider = models.CharField(
        max_length=16, choices=MeetingProvider.choices, default=MeetingProvider.CLASSROOM
    )
    room_id = models.CharField(max_length=64, blank=True)
    zoom_meeting_id = models.CharField(max_length=32, blank=True)
    zoom_join_url = models.URLField(max_length=500, blank=True)
    zoom_start_url = models.URLField(max_length=1000, blank=True)

    confirmed_at = models.DateTimeField(null=True, blank=True)
    meeting_started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.TextField(blank=True)
    reminder_24h_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_15m_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="tutoring_booking_ordered"
            ),
            models.CheckConstraint(
                condition=Q(blocked_start__lte=F("start")) & Q(blocked_end__gte=F("end")),
                name="tutoring_booking_blocked_covers_lesson",
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("price")),
                name="tutoring_booking_refund_within_price",
            ),
        ]
        indexes = [
            models.Index(fields=["teacher", "start"]),
            models.Index(fields=["learner", "start"]),
            models.Index(fields=["status", "hold_expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.gig} · {self.learner} · {self.start:%Y-%m-%d %H:%M}"

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


class BookingEvent(models.Model):
    """Every status change of a booking, append-only: who, when, from what to what, why."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class TimeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn by the learner")
    EXPIRED = "expired", _("Expired unanswered")


class TimeRequest(models.Model):
    """A learner asks for a time outside the posted hours; accepting it holds a booking."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tutoring_time_requests"
    )
    gig = models.ForeignKey(Gig, on_delete=models.CASCADE, related_name="time_requests")
    start = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField()
    message = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=TimeRequestStatus.choices, default=TimeRequestStatus.PENDING
    )
    decline_reason = models.CharField(max_length=255, blank=True)
    booking = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="time_request"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["gig", "status", "start"]),
            # The expiry sweep's lookup: pending requests by time.
            models.Index(
                fields=["start"],
                condition=Q(status="pending"),
                name="tutoring_time_request_due",
            ),
        ]
        constraints = [
            # A repeated click (or a retried request) asks once.
            models.UniqueConstraint(
                fields=["learner", "gig", "start"],
                condition=Q(status="pending"),
                name="tutoring_time_request_pending_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} asks for {self.start:%Y-%m-%d %H:%M} ({self.status})"


class Gift(models.Model):
    """An amount a learner sends their teacher during a live session."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="gifts")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tutoring_gifts_sent"
    )
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    message = models.CharField(max_length=200, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="tutoring_gift_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} from {self.sender}"
