"""Which teachers a learner has booked: the condition for sharing progress with them (read by
``services`` and ``sharing``; its own module so that neither imports the other)."""

from typing import Any
from uuid import UUID

from tutoring.models import Booking, BookingStatus

# A learner "has booked" a teacher once a booking was paid for: a hold that expired or was
# never paid does not count.
BOOKED_STATUSES = (
    BookingStatus.CONFIRMED,
    BookingStatus.IN_PROGRESS,
    BookingStatus.AWAITING_CONFIRMATION,
    BookingStatus.DISPUTED,
    BookingStatus.COMPLETED,
    BookingStatus.CANCELLED,
    BookingStatus.NO_SHOW,
)


def has_booked(learner: Any, teacher_id: UUID) -> bool:
    return Booking.objects.filter(
        learner_id=learner.pk, teacher_id=teacher_id, status__in=BOOKED_STATUSES
    ).exists()
