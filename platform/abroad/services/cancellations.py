"""Cancelling a study-abroad booking: the refund its policy gives, by the learner, the vendor,
an approved refund request or a refund made outside (at the provider)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .. import policies
from ..errors import InvalidBookingState, NotAllowed
from ..models import AbroadBooking, BookingStatus
from .money import pay_vendors, refund_after_commit
from .rows import lock_booking, release


def days_before_arrival(booking: AbroadBooking, today: date) -> int:
    arrival = booking.arrival
    return (arrival - today).days if arrival else 0


def record_outside_refund(booking_id: Any, *, amount: Decimal, reference: str = "") -> None:
    """A refund of a booking's payment made outside study abroad's own cancellation: a
    finance admin granting a refund request, a dispute decided for the learner, a refund in
    the provider's dashboard. It is counted on the booking, so that completion pays the
    vendors only what was kept; an upcoming booking refunded in full is cancelled, which frees
    its seats and room. (Refunds this app makes itself are counted before they are sent.)"""
    with transaction.atomic():
        booking = AbroadBooking.objects.select_for_update().filter(pk=booking_id).first()
        if booking is None:
            return
        booking.refunded_amount = min(booking.amount_paid, booking.refunded_amount + amount)
        booking.save(update_fields=["refunded_amount", "updated_at"])
        if booking.refunded_amount >= booking.amount_paid and booking.status in (
            BookingStatus.CONFIRMED,
            BookingStatus.PAID,
        ):
            booking.cancelled_at = timezone.now()
            booking.save(update_fields=["cancelled_at"])
            release(booking, BookingStatus.CANCELLED, f"refunded in full ({reference})")


def _policy_refund(
    booking: AbroadBooking, paid: Decimal, today: date, *, by_vendor: bool
) -> Decimal:
    if booking.long_stay and booking.arrival and booking.departure:
        return policies.long_stay_refund(
            paid,
            days_before_arrival(booking, today),
            (booking.departure - booking.arrival).days,
            by_vendor=by_vendor,
        )
    return policies.refund_amount(
        booking.cancellation_policy, paid, days_before_arrival(booking, today), by_vendor=by_vendor
    )


def _cancellable(booking: AbroadBooking, today: date) -> bool:
    return booking.status in (BookingStatus.CONFIRMED, BookingStatus.PAID) and (
        booking.arrival is None or booking.arrival > today
    )


def cancellation_refund(booking: AbroadBooking, *, now: datetime | None = None) -> Decimal:
    """What the learner's own cancellation would refund now under the booking's policy
    (0 when it can no longer be cancelled). Read-only: the refund policy for requests."""
    today = timezone.localdate(now or timezone.now())
    if not _cancellable(booking, today):
        return Decimal(0)
    return _policy_refund(
        booking, booking.amount_paid - booking.refunded_amount, today, by_vendor=False
    )


def cancel_after_refund(booking_id: Any, *, refunded: Decimal, now: datetime | None = None) -> None:
    """A refund request for one of the booking's payments was approved and ``refunded`` given
    back through payments (``record_outside_refund`` counted it already): an upcoming booking
    is cancelled, which frees its seats and nights, and what was kept pays the providers as a
    late cancellation. A booking paid in several payments still gets what its policy refunds:
    the rest leaves its other payments, through this app's own refund path. Inside the
    approval's transaction; a booking cancelled (or over) already is left as it is."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    booking = lock_booking(booking_id)
    if not _cancellable(booking, today):
        return
    paid_before = booking.amount_paid - booking.refunded_amount + refunded
    top_up = _policy_refund(booking, paid_before, today, by_vendor=False) - refunded
    top_up = min(max(top_up, Decimal(0)), booking.amount_paid - booking.refunded_amount)
    booking.refunded_amount += top_up
    booking.cancelled_at = now
    booking.cancelled_by_vendor = False
    booking.save()
    release(booking, BookingStatus.CANCELLED, f"refund request: refunded {refunded + top_up}")
    if top_up:
        refund_after_commit(booking, top_up, reason="cancelled on a refund request")
    kept = booking.amount_paid - booking.refunded_amount
    if kept > 0:
        pay_vendors(booking, kept, reason="refund request: rest kept")


def cancel_booking(
    booking_id: Any,
    *,
    by: User,
    reason: str = "",
    now: datetime | None = None,
    full_refund: bool = False,
) -> AbroadBooking:
    """The learner or a provider of the booking (or staff) cancels before arrival. Holds and
    requests are simply released; what was paid is refunded by the booking's policy, in full
    when a provider or staff cancels, and the rest is the providers' (less commission)."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = lock_booking(booking_id)
        today = booking.local_today(now)
        by_vendor = str(by.pk) in booking.vendors() or by.is_staff
        if not by_vendor and by.pk != booking.learner_id:
            raise NotAllowed()
        if booking.status in (BookingStatus.HELD, BookingStatus.AWAITING_VENDOR):
            booking.cancelled_at = now
            booking.cancelled_by_vendor = by_vendor
            booking.save(update_fields=["cancelled_at", "cancelled_by_vendor"])
            release(booking, BookingStatus.CANCELLED, reason or "cancelled")
            return booking
        if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.PAID) or (
            booking.arrival is not None and booking.arrival <= today
        ):
            raise InvalidBookingState("Only upcoming bookings can be cancelled.")
        paid = booking.amount_paid - booking.refunded_amount
        if booking.long_stay and booking.arrival and booking.departure:
            refund = policies.long_stay_refund(
                paid,
                days_before_arrival(booking, today),
                (booking.departure - booking.arrival).days,
                by_vendor=by_vendor or full_refund,
            )
        else:
            refund = policies.refund_amount(
                booking.cancellation_policy,
                paid,
                days_before_arrival(booking, today),
                by_vendor=by_vendor or full_refund,
            )
        booking.refunded_amount += refund
        booking.cancelled_at = now
        booking.cancelled_by_vendor = by_vendor
        booking.save()
        release(booking, BookingStatus.CANCELLED, reason or f"refund {refund} {booking.currency}")
        if refund:
            refund_after_commit(booking, refund, reason="cancelled")
        if paid - refund > 0:
            pay_vendors(booking, paid - refund, reason="late cancellation")
    return booking
