"""What the booking services share: the settings, the locked read of a booking, ending a
booking (its seats and nights freed), and whether seats and nights are free."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Sum

from ..models import ACTIVE_STATUSES, AbroadBooking, AbroadSettings, RoomStay

ROOM_CONSTRAINT = "abroad_roomstay_no_overlap"
MAX_SEATS_PER_BOOKING = 10


def policy() -> AbroadSettings:
    return AbroadSettings.load()


def seats_taken(intake_id: int) -> int:
    total = AbroadBooking.objects.filter(intake_id=intake_id, status__in=ACTIVE_STATUSES).aggregate(
        total=Sum("seats")
    )["total"]
    return int(total or 0)


def room_is_free(room_id: int, check_in: date, check_out: date) -> bool:
    return not RoomStay.objects.filter(
        room_id=room_id, active=True, check_in__lt=check_out, check_out__gt=check_in
    ).exists()


def release(booking: AbroadBooking, status: str, note: str = "") -> None:
    """Ends ``booking`` in ``status`` (expired, lapsed, declined, cancelled): no hold left,
    its room nights freed."""
    booking.status = status
    booking.hold_expires_at = None
    if note:
        booking.cancellation_reason = note[:255]
    booking.save(update_fields=["status", "hold_expires_at", "cancellation_reason", "updated_at"])
    RoomStay.objects.filter(booking=booking).update(active=False)


def lock_booking(booking_id: Any) -> AbroadBooking:
    return (
        AbroadBooking.objects.select_for_update(of=("self",))
        .select_related("course", "homestay")
        .get(pk=booking_id)
    )
