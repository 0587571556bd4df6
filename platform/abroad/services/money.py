"""Study-abroad money: a payment received, the vendors' pay less commission, bank-transfer
holds, completion (when the providers are paid).

Money goes through the payments checkout (purpose ``abroad_booking``, ``payments.py``) and
the credits ledger; provider refunds run after commit in a task, never under a row lock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings as django_settings
from django.db import transaction
from django.utils import timezone

from core import activity, dispatch

from .. import pricing
from ..models import AbroadBooking, BookingStatus
from .rows import lock_booking, policy


def payment_received(
    booking_id: Any, *, amount: Decimal, reference: str, now: datetime | None = None
) -> AbroadBooking:
    """A payment of the booking went through (the checkout purpose's fulfilment, inside the
    payment's transaction). The deposit confirms the booking; reaching the total makes it
    paid. Money that arrives after the hold ran out or the booking was cancelled goes back in
    full: a late payment never takes seats or nights someone else may hold by now."""
    now = now or timezone.now()
    booking = lock_booking(booking_id)
    if reference in booking.payment_references:
        return booking
    booking.payment_references = [*booking.payment_references, reference]
    booking.amount_paid += amount
    booking.paid_at = booking.paid_at or now
    if booking.status in (BookingStatus.HELD, BookingStatus.CONFIRMED):
        if booking.status == BookingStatus.HELD:
            activity.record(
                booking.learner_id,
                "abroad.booked",
                obj=booking,
                data={"booking_id": str(booking.pk)},
            )
        booking.status = (
            BookingStatus.PAID if booking.amount_paid >= booking.total else BookingStatus.CONFIRMED
        )
        booking.hold_expires_at = None
        booking.save()
        dispatch.enqueue_on_commit("abroad.notify_paid", str(booking.pk))
        return booking
    booking.refunded_amount += amount
    booking.save()
    refund_after_commit(booking, amount, reason=f"paid while {booking.status}")
    return booking


def refund_after_commit(booking: AbroadBooking, amount: Decimal, *, reason: str) -> None:
    dispatch.enqueue_on_commit("abroad.refund_booking", str(booking.pk), str(amount), reason)


def commission_percent(kind: str) -> int:
    return commission_percents()[kind]


def commission_percents() -> dict[str, int]:
    """The platform's commission per part of a booking (Settings → Study abroad)."""
    settings = policy()
    return {
        "course": settings.institution_commission_percent,
        "stay": settings.homestay_commission_percent,
    }


def pay_vendors(booking: AbroadBooking, amount: Decimal, *, reason: str) -> None:
    """Moves ``amount`` of what the learner paid from revenue to the providers' earnings,
    split between course and stay by their prices, less the commission per vendor type
    (Settings → Study abroad). One transfer, keyed by the booking: replays move nothing."""
    from credits.models import AccountKind
    from credits.services import Leg, platform_account, post_transfer, user_account

    if amount <= 0 or booking.total <= 0:
        return
    legs = [Leg(platform_account(AccountKind.REVENUE, booking.currency), -amount)]
    commission_total = Decimal(0)
    vendors = {booking.course_vendor_id: booking.course_vendor}
    vendors[booking.stay_vendor_id] = booking.stay_vendor
    for part in pricing.vendor_shares(booking, amount, commission_percents()):
        commission_total += part.commission
        vendor = vendors.get(part.vendor_id)
        if part.earnings > 0 and vendor is not None:
            legs.append(
                Leg(user_account(vendor, AccountKind.EARNINGS, booking.currency), part.earnings)
            )
    if commission_total:
        legs.append(
            Leg(platform_account(AccountKind.COMMISSIONS, booking.currency), commission_total)
        )
    post_transfer(
        kind="abroad_earning",
        idempotency_key=f"abroad:{booking.pk}:vendors",
        legs=legs,
        memo=f"Study abroad booking {booking.pk}: {reason}",
        metadata={"booking": str(booking.pk), "reason": reason},
    )
    booking.vendors_paid_at = timezone.now()
    booking.save(update_fields=["vendors_paid_at", "updated_at"])


def bank_transfer_hold() -> timedelta:
    """How long a held booking waits for a bank transfer: days, not the card's minutes
    (``ABROAD_BANK_TRANSFER_HOLD_DAYS``, 5 by default)."""
    return timedelta(days=getattr(django_settings, "ABROAD_BANK_TRANSFER_HOLD_DAYS", 5))


def hold_for_bank_transfer(booking_id: Any, *, now: datetime | None = None) -> AbroadBooking:
    """The learner chose to pay a held booking by bank transfer: the seats and room stay
    held long enough for the money to arrive and a finance admin to confirm it (after
    that the hold runs out as any other, and a late transfer is refunded)."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = AbroadBooking.objects.select_for_update().get(pk=booking_id)
        if booking.status == BookingStatus.HELD:
            until = now + bank_transfer_hold()
            if booking.hold_expires_at is None or booking.hold_expires_at < until:
                booking.hold_expires_at = until
                booking.save(update_fields=["hold_expires_at", "updated_at"])
    return booking


def complete_due(now: datetime | None = None) -> int:
    """Bookings whose course and stay have ended (in the destination's zone) are completed;
    the providers are paid."""
    now = now or timezone.now()
    done = 0
    candidates = AbroadBooking.objects.filter(
        status__in=[BookingStatus.CONFIRMED, BookingStatus.PAID]
    ).values_list("pk", flat=True)[:500]
    for booking_id in list(candidates):
        with transaction.atomic():
            booking = lock_booking(booking_id)
            departure = booking.departure
            if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.PAID) or (
                departure is None or departure >= booking.local_today(now)
            ):
                continue
            booking.status = BookingStatus.COMPLETED
            booking.save(update_fields=["status", "updated_at"])
            pay_vendors(booking, booking.amount_paid - booking.refunded_amount, reason="completed")
            done += 1
    return done
