"""Gifts during a live session, and tips after a completed lesson: paid through a checkout, credited to the teacher by the
purpose's fulfilment, then shown in the room over its channel group."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import fanout

from .. import classroom
from ..errors import InvalidBookingState, NotAllowed
from ..models import Booking, BookingStatus, Gift

GIFTABLE = (BookingStatus.CONFIRMED, BookingStatus.IN_PROGRESS)
MAX_GIFT = Decimal("500")
# A tip after the lesson is thanks for one that happened: only once it is completed (not
# while it may still be disputed), and while the lesson is fresh in mind.
TIP_WINDOW = timedelta(days=14)


def can_gift(booking: Booking, now: Any = None) -> bool:
    """Whether the learner may send a gift now: during the live session, or as a tip for a
    completed lesson within ``TIP_WINDOW`` of its end."""
    now = now or timezone.now()
    if booking.status in GIFTABLE:
        return booking.start <= now <= booking.end
    return booking.status == BookingStatus.COMPLETED and now <= booking.end + TIP_WINDOW


def create_gift(booking: Booking, *, by: User, amount: Decimal, message: str = "") -> Gift:
    if by.pk != booking.learner_id:
        raise NotAllowed("Only the learner of this session can send a gift.")
    if not can_gift(booking):
        raise InvalidBookingState(
            "Gifts are sent during the live session or after a completed lesson."
        )
    if not Decimal("1") <= amount <= MAX_GIFT:
        raise InvalidBookingState(f"A gift is between 1 and {MAX_GIFT} {booking.currency}.")
    return Gift.objects.create(
        booking=booking, sender=by, amount=amount, currency=booking.currency, message=message
    )


def gift_event(gift: Gift) -> dict[str, Any]:
    """What every socket in the room receives (the rooms consumer relays ``room.event``)."""
    return {
        "type": "gift",
        "gift": str(gift.pk),
        "from": gift.sender.get_short_name(),
        "amount": str(gift.amount),
        "currency": gift.currency,
        "message": gift.message,
    }


def gift_paid(gift: Gift, *, payment_reference: str) -> Gift:
    """Marks the gift paid (inside the payment's transaction) and, after commit, shows it
    live in the room."""
    updated = Gift.objects.filter(pk=gift.pk, paid_at__isnull=True).update(
        paid_at=timezone.now(), payment_reference=payment_reference
    )
    if updated:
        gift.refresh_from_db()
        group = classroom.room_group(gift.booking)
        if group is not None:
            message = {"type": "room.event", "event": gift_event(gift)}
            transaction.on_commit(lambda: fanout.send_to_group(group, message))
    return gift
