"""What every booking row write shares, whether the booking is a 1-on-1 lesson
(``bookings``) or a seat in a group session (``group_sessions``): the settings in force, the
status change with its history, and the names of the overlap constraints. Both modules import
this one; neither imports the other for it."""

from accounts.models import User

from ..models import Booking, BookingEvent, TutoringSettings

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
