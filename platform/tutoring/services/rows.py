"""What every booking row write shares, whether the booking is a 1-on-1 lesson
(``bookings``), a lesson from a package (``packages``) or a seat in a group session
(``group_sessions``): the settings in force, the status change with its history, the names of
the overlap constraints and the insert of a one-to-one booking into the teacher's calendar.
Those modules import this one; none imports another for it."""

from datetime import datetime

from django.db import IntegrityError, connection

from accounts.models import User
from core.db import save_retrying_deadlocks, violated_constraint

from ..errors import LearnerBusy, SlotTaken, SlotUnavailable
from ..models import Booking, BookingEvent, BookingStatus, TeacherListing, TutoringSettings
from ..selectors import slots

TEACHER_CONSTRAINT = "tutoring_booking_no_teacher_overlap"
LEARNER_CONSTRAINT = "tutoring_booking_no_learner_overlap"


def policy() -> TutoringSettings:
    return TutoringSettings.load()


def move_status(
    booking: Booking, to_status: str, *, actor: User | None = None, note: str = ""
) -> None:
    """Sets ``booking.status`` to ``to_status`` without saving the booking (the caller
    saves it with its other changes) and writes the change into its history now."""
    BookingEvent.objects.create(
        booking=booking,
        from_status=booking.status if booking.status != to_status else "",
        to_status=to_status,
        actor=actor,
        note=note[:255],
    )
    booking.status = to_status


def lock_calendar_shared(listing: TeacherListing) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM tutoring_teacherlisting WHERE user_id = %s FOR SHARE",
                [listing.pk],
            )


def _expire_stale_holds(
    listing: TeacherListing, start: datetime, end: datetime, now: datetime
) -> None:
    """Releases run-out holds over this time first, so that they do not block the insert."""
    stale = list(
        Booking.objects.select_for_update(skip_locked=True).filter(
            teacher=listing,
            status=BookingStatus.HELD,
            hold_expires_at__lte=now,
            blocked_start__lt=end,
            blocked_end__gt=start,
        )
    )
    for booking in stale:
        move_status(booking, BookingStatus.EXPIRED, note="hold ran out")
        booking.save(update_fields=["status", "updated_at"])


def insert_booking(booking: Booking, *, now: datetime) -> None:
    """Writes a new one-to-one booking into the teacher's calendar (inside the caller's
    transaction): run-out holds over its time are released first; a group session or
    another booking over it refuses it (``SlotUnavailable``, ``SlotTaken``,
    ``LearnerBusy``)."""
    listing = booking.teacher
    lock_calendar_shared(listing)
    _expire_stale_holds(listing, booking.blocked_start, booking.blocked_end, now)
    if slots.exists_overlapping_session(
        listing, slots.Interval(booking.blocked_start, booking.blocked_end)
    ):
        raise SlotUnavailable()
    try:
        save_retrying_deadlocks(booking, force_insert=True)
    except IntegrityError as error:
        constraint = violated_constraint(error)
        if constraint == TEACHER_CONSTRAINT:
            raise SlotTaken() from error
        if constraint == LEARNER_CONSTRAINT:
            raise LearnerBusy() from error
        raise
