"""Booking a teacher's time: hold, pay, confirm, reschedule, cancel, finish.

No double booking, ever: PostgreSQL refuses overlapping active bookings of one teacher
(exclusion constraint ``tutoring_booking_no_teacher_overlap``), so whatever the number of
concurrent requests for a slot, one insert wins and the others get ``SlotTaken`` (409).
The slot check before the insert only gives early, friendly answers.

Group sessions share the teacher's calendar without sharing the constraint: publishing a
session locks the listing row ``FOR UPDATE`` and booking takes it ``FOR SHARE`` (shared
locks do not block each other), so a session and a lesson can never both be written over
the same time.
"""

import logging
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core import activity, dispatch
from core.db import save_retrying_deadlocks, violated_constraint

from .. import classroom, payments
from ..errors import (
    InvalidBookingState,
    LearnerBusy,
    NotAllowed,
    NotBookable,
    SlotTaken,
    SlotUnavailable,
)
from ..models import (
    Booking,
    BookingEvent,
    BookingStatus,
    Gig,
    LessonType,
    MeetingProvider,
    PricingMode,
)
from ..selectors import slots
from .rows import (
    LEARNER_CONSTRAINT,
    insert_booking,
    lock_calendar_shared,
    move_status,
    policy,
)

if TYPE_CHECKING:
    from ..models.bookings import GroupSession

CENT = Decimal("0.01")
logger = logging.getLogger(__name__)


def price_of(gig: Gig, minutes: int, lesson_type: str) -> Decimal:
    if lesson_type == LessonType.TRIAL:
        if not gig.trial_minutes or gig.trial_price is None or minutes != gig.trial_minutes:
            raise NotBookable("This gig has no trial lesson of that length.")
        return gig.trial_price
    price = gig.price_for(minutes)
    if price is None:
        raise NotBookable(f"This gig is not offered for {minutes} minutes.")
    return price


def hold_booking(
    *,
    learner: User,
    gig: Gig,
    start: datetime,
    minutes: int,
    lesson_type: str = LessonType.SINGLE,
    now: datetime | None = None,
    hold_for: timedelta | None = None,
    check_availability: bool = True,
    actor: User | None = None,
    meeting_provider: str = MeetingProvider.CLASSROOM,
) -> Booking:
    """Holds ``minutes`` of the gig's teacher from ``start`` for ``learner`` while they pay,
    to take place in ``meeting_provider`` (the built-in classroom or Zoom)."""
    now = now or timezone.now()
    listing = gig.listing
    if not listing.is_listed or not gig.is_active:
        raise NotBookable()
    if learner.pk == listing.user_id:
        raise NotAllowed("You cannot book yourself.")
    if lesson_type not in (LessonType.SINGLE, LessonType.TRIAL):
        raise NotBookable("Book packages and group seats through their own endpoints.")
    if (
        lesson_type == LessonType.TRIAL
        and Booking.objects.filter(
            learner=learner,
            teacher=listing,
            lesson_type=LessonType.TRIAL,
            status__in=[*slots.ACTIVE_BOOKING_STATUSES, BookingStatus.NO_SHOW],
        ).exists()
    ):
        raise NotBookable("You have already had a trial lesson with this teacher.")
    price = price_of(gig, minutes, lesson_type)
    start = start.astimezone(UTC)
    end = start + timedelta(minutes=minutes)
    blocked_start = start - timedelta(minutes=listing.buffer_before_minutes)
    blocked_end = end + timedelta(minutes=listing.buffer_after_minutes)
    if check_availability and not slots.is_bookable(listing, start, minutes, now=now):
        if slots.busy_intervals(listing, blocked_start, blocked_end, now):
            raise SlotTaken()
        raise SlotUnavailable()
    hold_for = hold_for or timedelta(minutes=policy().hold_minutes)
    with transaction.atomic():
        booking = Booking(
            teacher=listing,
            learner=learner,
            gig=gig,
            lesson_type=lesson_type,
            start=start,
            end=end,
            blocked_start=blocked_start,
            blocked_end=blocked_end,
            hold_expires_at=now + hold_for,
            currency=gig.currency,
            price=price,
            meeting_provider=meeting_provider,
            price_per_minute=gig.price_per_minute
            if gig.pricing_mode == PricingMode.PER_MINUTE
            else None,
        )
        insert_booking(booking, now=now)
        move_status(booking, BookingStatus.HELD, actor=actor or learner)
    return booking


def lock(booking_id: Any) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("gig", "teacher")
        .get(pk=booking_id)
    )


def lock_with_session(booking_id: Any) -> tuple[Booking, "GroupSession | None"]:
    """Locks a booking and, for a group seat, its session first (the seats' lock order)."""
    from ..models.bookings import GroupSession

    session = (
        GroupSession.objects.select_for_update(of=("self",))
        .select_related("teacher__user", "gig")
        .filter(bookings=booking_id)
        .first()
    )
    return lock(booking_id), session


def confirm_payment(
    booking_id: Any, *, payment_reference: str, now: datetime | None = None
) -> Booking:
    """The payment of a held booking went through (called by the checkout's fulfilment).

    If the hold ran out and someone else took the time meanwhile, the learner is refunded in
    full and the booking stays expired: paying late never produces a double booking.
    """
    now = now or timezone.now()
    with transaction.atomic():
        booking, session = lock_with_session(booking_id)
        if booking.paid_at is not None:
            return booking  # the provider repeats its events: confirming is idempotent
        booking.paid_at = now
        booking.payment_reference = payment_reference
        if booking.status == BookingStatus.CANCELLED:
            # Cancelled while the learner was paying (by them, or the whole session by the
            # teacher): the money goes back in full.
            booking.refunded_amount = booking.price
            booking.save()
            if booking.price:
                payments.refund(booking, booking.price, reason="paid after cancellation")
            return booking
        if booking.status not in (BookingStatus.HELD, BookingStatus.EXPIRED):
            booking.save(update_fields=["paid_at", "payment_reference", "updated_at"])
            return booking
        if session is not None:
            from .group_sessions import seat_paid

            if not seat_paid(session, booking):
                note = "paid after the session was cancelled or sold out; refunded"
                if booking.status != BookingStatus.EXPIRED:
                    move_status(booking, BookingStatus.EXPIRED, note=note)
                booking.refunded_amount = booking.price
                booking.save()
                payments.refund(booking, booking.price, reason="no seat left")
                return booking
        move_status(booking, BookingStatus.CONFIRMED, note="paid")
        booking.confirmed_at = now
        booking.hold_expires_at = None
        if session is not None:
            from .group_sessions import room_of

            booking.room_id = room_of(session)
            classroom.seat_learner(booking, booking.room_id)
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError:
            booking.refresh_from_db()
            booking.paid_at = now
            booking.payment_reference = payment_reference
            move_status(
                booking, BookingStatus.EXPIRED, note="paid after the hold ran out; refunded"
            )
            booking.refunded_amount = booking.price
            booking.save()
            payments.refund(booking, booking.price, reason="slot taken after the hold ran out")
            return booking
        dispatch.enqueue_on_commit("tutoring.tasks.booking_confirmed", str(booking.pk))
        activity.record(
            booking.learner_id,
            "tutoring.booking_confirmed",
            obj=booking,
            data={"booking_id": str(booking.pk), "teacher_id": str(booking.teacher_id)},
        )
    return booking


def refund_fraction(booking: Booking, *, by_teacher: bool, now: datetime) -> Decimal:
    """The cancellation policy: teachers' cancellations are refunded in full; learners'
    free until ``free_cancellation_hours`` before the start, then partly."""
    if by_teacher:
        return Decimal("1")
    settings = policy()
    if booking.start - now >= timedelta(hours=settings.free_cancellation_hours):
        return Decimal("1")
    return Decimal(settings.late_cancellation_refund_percent) / 100


def _amount(price: Decimal, fraction: Decimal) -> Decimal:
    return (price * fraction).quantize(CENT, rounding=ROUND_HALF_UP)


def cancel_booking(
    booking_id: Any,
    *,
    by: User,
    reason: str = "",
    now: datetime | None = None,
    full_refund: bool = False,
) -> Booking:
    """Cancels an upcoming booking: a hold is released, a paid lesson refunded by the policy
    (``refund_fraction``), or in full with ``full_refund`` (the learner's account deletion:
    they cannot come to the lesson any more, whatever the notice)."""
    now = now or timezone.now()
    with transaction.atomic():
        booking, session = lock_with_session(booking_id)
        by_teacher = by.pk == booking.teacher_id
        if not by_teacher and by.pk != booking.learner_id:
            raise NotAllowed()
        if booking.status == BookingStatus.HELD:
            move_status(booking, BookingStatus.CANCELLED, actor=by, note=reason)
        elif booking.status == BookingStatus.CONFIRMED and booking.start > now:
            fraction = (
                Decimal("1")
                if full_refund
                else refund_fraction(booking, by_teacher=by_teacher, now=now)
            )
            refund = _amount(booking.price, fraction)
            if booking.package_id is not None and refund == booking.price:
                # A lesson of a package goes back to the package instead of being refunded
                # (a late cancellation is settled like a single lesson's: the refund leaves
                # the package's payment, the rest pays the teacher).
                from .packages import return_lesson

                return_lesson(booking.package_id, booking.pk)
                move_status(
                    booking,
                    BookingStatus.CANCELLED,
                    actor=by,
                    note=reason or "lesson returned to the package",
                )
            else:
                move_status(
                    booking, BookingStatus.CANCELLED, actor=by, note=reason or f"refund {refund}"
                )
                booking.refunded_amount = refund
                if refund:
                    payments.refund(booking, refund, reason="cancelled")
                if refund < booking.price:
                    payments.pay_teacher(
                        booking, booking.price - refund, reason="late cancellation"
                    )
        else:
            raise InvalidBookingState("Only upcoming bookings can be cancelled.")
        booking.cancelled_at = now
        booking.cancellation_reason = reason
        booking.save()
        if session is not None:
            from .group_sessions import release_seat

            release_seat(session, booking)
        dispatch.enqueue_on_commit("tutoring.tasks.booking_cancelled", str(booking.pk))
    return booking


def cancel_for_refund(booking_id: Any, *, refunded: Decimal, now: datetime | None = None) -> None:
    """A refund request for this booking's payment was approved and ``refunded`` already
    given back through payments (its ledger reversal is booked): an upcoming lesson or seat
    is cancelled so that nothing paid back stays booked. Its seat is given back, and what was
    kept (an admin's partial refund) pays the teacher as a late cancellation would. Inside the
    approval's transaction; a lesson already cancelled, held or over is left as it is."""
    now = now or timezone.now()
    booking, session = lock_with_session(booking_id)
    if booking.status != BookingStatus.CONFIRMED or booking.start <= now:
        return
    move_status(booking, BookingStatus.CANCELLED, note=f"refund request: refunded {refunded}")
    booking.refunded_amount += refunded
    booking.cancelled_at = now
    booking.cancellation_reason = "refund request approved"
    booking.save()
    kept = booking.price - booking.refunded_amount
    if kept > 0:
        payments.pay_teacher(booking, kept, reason="refund request: rest kept")
    if session is not None:
        from .group_sessions import release_seat

        release_seat(session, booking)
    dispatch.enqueue_on_commit("tutoring.tasks.booking_cancelled", str(booking.pk))


def reschedule_booking(
    booking_id: Any, *, by: User, start: datetime, now: datetime | None = None
) -> Booking:
    """Moves an upcoming lesson. Learners may do so while it is still free to cancel; the
    teacher any time before it starts. The row is updated in place, so the exclusion
    constraint checks the new time against every other booking atomically."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = lock(booking_id)
        by_teacher = by.pk == booking.teacher_id
        if not by_teacher and by.pk != booking.learner_id:
            raise NotAllowed()
        if booking.group_session_id or booking.status not in (
            BookingStatus.HELD,
            BookingStatus.CONFIRMED,
        ):
            raise InvalidBookingState("Only upcoming lessons can be rescheduled.")
        if booking.start <= now:
            raise InvalidBookingState("The lesson has already started.")
        if not by_teacher and refund_fraction(booking, by_teacher=False, now=now) < 1:
            raise InvalidBookingState("It is too late to reschedule; you can still cancel.")
        listing = booking.teacher
        minutes = booking.minutes
        if not slots.is_bookable(listing, start, minutes, now=now):
            raise SlotUnavailable()
        old_start = booking.start
        booking.start = start
        booking.end = start + timedelta(minutes=minutes)
        booking.blocked_start = start - timedelta(minutes=listing.buffer_before_minutes)
        booking.blocked_end = booking.end + timedelta(minutes=listing.buffer_after_minutes)
        booking.reminder_24h_sent_at = None
        booking.reminder_15m_sent_at = None
        lock_calendar_shared(listing)
        try:
            save_retrying_deadlocks(booking)
        except IntegrityError as error:
            if violated_constraint(error) == LEARNER_CONSTRAINT:
                raise LearnerBusy() from error
            raise SlotTaken() from error
        BookingEvent.objects.create(
            booking=booking,
            from_status=booking.status,
            to_status=booking.status,
            actor=by,
            note=f"rescheduled from {old_start.isoformat()}",
        )
    return booking


def expire_holds(now: datetime | None = None) -> int:
    from .group_sessions import expire_seat_holds

    now = now or timezone.now()
    count = 0
    with transaction.atomic():
        for booking in Booking.objects.select_for_update(skip_locked=True).filter(
            status=BookingStatus.HELD, hold_expires_at__lte=now, group_session__isnull=True
        ):
            move_status(booking, BookingStatus.EXPIRED, note="hold ran out")
            booking.save(update_fields=["status", "updated_at"])
            count += 1
    return count + expire_seat_holds(now)
