"""Group sessions: published at a fixed time, seats booked without ever overselling.

Seats are counted in ``GroupSession.seats_taken``, which only moves with the session row
locked (``SELECT … FOR UPDATE``) and which a check constraint keeps at or below ``seats``.
A held seat counts until it is paid, cancelled or its hold runs out; a run-out hold gives
its seat back (here, before each booking, and in the periodic ``expire_holds``).

Lock order, to stay free of deadlocks: the session row first, then its bookings. Every
write on a seat (booking, paying, cancelling, expiring, cancelling the session) follows it.
"""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core import dispatch
from core.db import save_retrying_deadlocks, violated_constraint

from .. import classroom, payments
from ..errors import (
    InvalidBookingState,
    LearnerBusy,
    NotAllowed,
    NotBookable,
    SessionSoldOut,
    SlotUnavailable,
)
from ..models import ACTIVE_BOOKING_STATUSES, Booking, BookingStatus, Gig, LessonType
from ..models.bookings import GroupSession
from ..models.teachers import CefrLevel
from .rows import LEARNER_CONSTRAINT, move_status, policy

MAX_SEATS = 100
EDITABLE_ANY_TIME = ("topic", "description", "seats")
# The level is part of what a learner booked, like the time and the price.
EDITABLE_BEFORE_FIRST_SEAT = ("start", "minutes", "price", "level")


def _check_calendar(
    listing: Any, start: datetime, end: datetime, *, exclude: GroupSession | None = None
) -> None:
    """The teacher is free then: no one-to-one lesson and no other session (with buffers).
    Call with the listing row locked FOR UPDATE: that conflicts with the FOR SHARE every
    one-to-one booking takes, so no lesson can be written over this time meanwhile."""
    before = timedelta(minutes=listing.buffer_before_minutes)
    after = timedelta(minutes=listing.buffer_after_minutes)
    if Booking.objects.filter(
        teacher=listing,
        group_session__isnull=True,
        status__in=ACTIVE_BOOKING_STATUSES,
        blocked_start__lt=end + after,
        blocked_end__gt=start - before,
    ).exists():
        raise SlotUnavailable("You have a lesson at this time.")
    others = GroupSession.objects.filter(
        teacher=listing, cancelled=False, start__lt=end + after, end__gt=start - before
    )
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    if others.exists():
        raise SlotUnavailable("You have another session at this time.")


def _validate(
    *, start: datetime, minutes: int, price: Decimal, seats: int, level: str, now: datetime
) -> None:
    if level and level not in CefrLevel.values:
        raise NotBookable("The level is one of A1, A2, B1, B2, C1, C2, or none (all levels).")
    if start <= now:
        raise NotBookable("A session starts in the future.")
    if not 10 <= minutes <= 480:
        raise NotBookable("A session lasts between 10 and 480 minutes.")
    if price < 0:
        raise NotBookable("The price cannot be negative.")
    if not 1 <= seats <= MAX_SEATS:
        raise NotBookable(f"A session has between 1 and {MAX_SEATS} seats.")


@transaction.atomic
def publish(
    gig: Gig,
    *,
    by: User,
    topic: str,
    start: datetime,
    minutes: int,
    price: Decimal,
    seats: int,
    description: str = "",
    level: str = "",
    now: datetime | None = None,
) -> GroupSession:
    """Publishes a session; ``level`` is its CEFR level, blank for all levels."""
    listing = gig.listing
    if by.pk != listing.user_id:
        raise NotAllowed()
    if not listing.is_listed or not gig.is_active:
        raise NotBookable("Only verified teachers publish sessions, on an active gig.")
    _validate(
        start=start,
        minutes=minutes,
        price=price,
        seats=seats,
        level=level,
        now=now or timezone.now(),
    )
    listing = type(listing).objects.select_for_update().select_related("user").get(pk=listing.pk)
    end = start + timedelta(minutes=minutes)
    _check_calendar(listing, start, end)
    session = GroupSession.objects.create(
        teacher=listing,
        gig=gig,
        topic=topic,
        description=description,
        level=level,
        start=start,
        end=end,
        price=price,
        currency=gig.currency,
        seats=seats,
    )
    room_of(session)
    return session


def lock_session(session_id: Any) -> GroupSession:
    return (
        GroupSession.objects.select_for_update(of=("self",))
        .select_related("teacher__user", "gig")
        .get(pk=session_id)
    )


@transaction.atomic
def edit(session_id: Any, *, by: User, now: datetime | None = None, **changes: Any) -> GroupSession:
    """Topic, description and seats (never below those taken) change until the start; the
    time, length, price and level only while no seat is taken: a learner keeps what they
    booked."""
    now = now or timezone.now()
    session = lock_session(session_id)
    if by.pk != session.teacher_id:
        raise NotAllowed()
    if session.cancelled or session.start <= now:
        raise InvalidBookingState("Only upcoming sessions can be changed.")
    unknown = set(changes) - set(EDITABLE_ANY_TIME) - set(EDITABLE_BEFORE_FIRST_SEAT)
    if unknown:
        raise NotBookable(f"Cannot change {', '.join(sorted(unknown))}.")
    if session.seats_taken and set(changes) & set(EDITABLE_BEFORE_FIRST_SEAT):
        raise InvalidBookingState(
            "Seats are taken: the time, length, price and level can no longer change."
        )
    seats = changes.get("seats", session.seats)
    if seats < session.seats_taken:
        raise InvalidBookingState(f"{session.seats_taken} seats are already taken.")
    start = changes.get("start", session.start)
    minutes = changes.get("minutes", int((session.end - session.start).total_seconds() // 60))
    price = changes.get("price", session.price)
    level = changes.get("level", session.level)
    _validate(start=start, minutes=minutes, price=price, seats=seats, level=level, now=now)
    end = start + timedelta(minutes=minutes)
    if (start, end) != (session.start, session.end):
        listing = type(session.teacher).objects.select_for_update().get(pk=session.teacher_id)
        _check_calendar(listing, start, end, exclude=session)
    session.topic = changes.get("topic", session.topic)
    session.description = changes.get("description", session.description)
    session.start, session.end, session.price, session.seats = start, end, price, seats
    session.level = level
    session.save()
    classroom.update_group_classroom(session)
    return session


def _expire_seat_holds(session: GroupSession, now: datetime) -> None:
    """Gives back the seats of run-out holds (with the session row locked by the caller)."""
    stale = list(
        Booking.objects.select_for_update(skip_locked=True).filter(
            group_session=session, status=BookingStatus.HELD, hold_expires_at__lte=now
        )
    )
    for booking in stale:
        move_status(booking, BookingStatus.EXPIRED, note="hold ran out")
        booking.save(update_fields=["status", "updated_at"])
    if stale:
        session.seats_taken -= len(stale)
        session.save(update_fields=["seats_taken"])


def book_seat(session: GroupSession, *, learner: User, now: datetime | None = None) -> Booking:
    """Holds one seat while the learner pays. The session row is locked while its counter
    moves, and a check constraint refuses ``seats_taken > seats`` whatever happens."""
    now = now or timezone.now()
    with transaction.atomic():
        session = lock_session(session.pk)
        if session.cancelled or session.start <= now:
            raise NotBookable("This session cannot be booked any more.")
        if learner.pk == session.teacher_id:
            raise NotAllowed("You cannot book your own session.")
        _expire_seat_holds(session, now)
        if session.seats_taken >= session.seats:
            raise SessionSoldOut()
        booking = Booking(
            teacher=session.teacher,
            learner=learner,
            gig=session.gig,
            group_session=session,
            lesson_type=LessonType.GROUP,
            start=session.start,
            end=session.end,
            blocked_start=session.start,
            blocked_end=session.end,
            hold_expires_at=now + timedelta(minutes=policy().hold_minutes),
            currency=session.currency,
            price=session.price,
        )
        try:
            save_retrying_deadlocks(booking, force_insert=True)
        except IntegrityError as error:
            if violated_constraint(error) == LEARNER_CONSTRAINT:
                raise LearnerBusy("You already have a seat or a lesson at this time.") from error
            raise
        session.seats_taken += 1
        session.save(update_fields=["seats_taken"])
        move_status(booking, BookingStatus.HELD, actor=learner)
    return booking


def room_of(session: GroupSession) -> str:
    """The session's one classroom, made now if it has none yet (with the row locked)."""
    if not session.room_id:
        session.room_id = classroom.create_group_classroom(session)
        session.save(update_fields=["room_id"])
    return session.room_id


def seat_paid(session: GroupSession, booking: Booking) -> bool:
    """A seat's payment arrived (both rows locked, session first). True when the learner has
    their seat: it was still held, or it had run out and a seat is free again. False when the
    session was cancelled or sold out meanwhile: the caller refunds."""
    if session.cancelled:
        return False
    if booking.status == BookingStatus.EXPIRED:
        if session.seats_taken >= session.seats:
            return False
        session.seats_taken += 1
        session.save(update_fields=["seats_taken"])
    return True


def release_seat(session: GroupSession, booking: Booking) -> None:
    """A seat given back (both rows locked, session first)."""
    if session.seats_taken > 0:
        session.seats_taken -= 1
        session.save(update_fields=["seats_taken"])
    if session.room_id:
        classroom.unseat_learner(booking, session.room_id)


def cancel_session(
    session_id: Any, *, by: User, reason: str = "", now: datetime | None = None
) -> GroupSession:
    """The teacher cancels: every seat is cancelled, paid ones refunded in full through the
    ledger (and the provider, after commit), and every learner is told."""
    now = now or timezone.now()
    with transaction.atomic():
        session = lock_session(session_id)
        if by.pk != session.teacher_id:
            raise NotAllowed()
        if session.cancelled or session.start <= now:
            raise InvalidBookingState("Only upcoming sessions can be cancelled.")
        seats = list(
            Booking.objects.select_for_update()
            .filter(group_session=session, status__in=(BookingStatus.HELD, BookingStatus.CONFIRMED))
            .order_by("pk")
        )
        for booking in seats:
            paid = booking.status == BookingStatus.CONFIRMED
            move_status(
                booking, BookingStatus.CANCELLED, actor=by, note=reason or "session cancelled"
            )
            booking.cancelled_at = now
            booking.cancellation_reason = reason
            if paid:
                booking.refunded_amount = booking.price
                if booking.price:
                    payments.refund(booking, booking.price, reason="session cancelled")
            booking.save()
        session.cancelled = True
        session.cancelled_at = now
        session.seats_taken = 0
        session.save(update_fields=["cancelled", "cancelled_at", "seats_taken"])
        classroom.update_group_classroom(session)
        dispatch.enqueue_on_commit(
            "tutoring.tasks.group_session_cancelled",
            str(session.pk),
            [str(b.learner_id) for b in seats],
            reason,
        )
    return session


def expire_seat_holds(now: datetime | None = None) -> int:
    """The periodic sweep for seats: each session with run-out holds, session row first."""
    now = now or timezone.now()
    session_ids = set(
        Booking.objects.filter(
            group_session__isnull=False, status=BookingStatus.HELD, hold_expires_at__lte=now
        ).values_list("group_session_id", flat=True)
    )
    count = 0
    for session_id in session_ids:
        with transaction.atomic():
            session = lock_session(session_id)
            before = session.seats_taken
            _expire_seat_holds(session, now)
            count += before - session.seats_taken
    return count
