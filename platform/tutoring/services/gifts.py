"""Gifts during a live session: paid through a checkout, credited to the teacher by the
purpose's fulfilment, then shown in the room over its channel group."""

from decimal import Decimal
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .. import classroom
from ..errors import InvalidBookingState, NotAllowed
from ..models import Booking, BookingStatus, Gift

GIFTABLE = (BookingStatus.CONFIRMED, BookingStatus.IN_PROGRESS)
MAX_GIFT = Decimal("500")


def create_gift(booking: Booking, *, by: User, amount: Decimal, message: str = "") -> Gift:
    if by.pk != booking.learner_id:
        raise NotAllowed("Only the learner of this session can send a gift.")
    now = timezone.now()
    if booking.status not in GIFTABLE or not booking.start <= now <= booking.end:
        raise InvalidBookingState("Gifts are sent during the live session.")
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
            transaction.on_commit(
                lambda: async_to_sync(get_channel_layer().group_send)(group, message)
            )
    return gift
