"""What happens around the lesson itself: the meeting, attendance-based billing, completion,
no-shows, disputes, and seats in group sessions."""

import logging
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import activity

from .. import classroom, payments
from ..errors import InvalidBookingState, NotAllowed
from ..models import Booking, BookingStatus, MeetingProvider, PricingMode
from ..selectors.slots import Interval
from .bookings import lock
from .rows import move_status, policy

logger = logging.getLogger(__name__)
CENT = Decimal("0.01")


def open_meeting(booking: Booking) -> None:
    """Creates the classroom room or the Zoom meeting once (idempotent: called by a task)."""
    if booking.meeting_provider == MeetingProvider.ZOOM:
        if booking.zoom_meeting_id:
            return
        from .. import zoom

        meeting = zoom.create_meeting(
            topic=f"{booking.gig.title} · {booking.learner.get_short_name()}",
            start=booking.start,
            minutes=booking.minutes,
        )
        Booking.objects.filter(pk=booking.pk, zoom_meeting_id="").update(
            zoom_meeting_id=str(meeting["id"]),
            zoom_join_url=meeting["join_url"],
            zoom_start_url=meeting.get("start_url", ""),
        )
        return
    if booking.room_id:
        return
    if booking.group_session_id:
        # Seats meet in their session's one room, joined when the seat is paid.
        from .group_sessions import lock_session, room_of

        with transaction.atomic():
            room_id = room_of(lock_session(booking.group_session_id))
            classroom.seat_learner(booking, room_id)
            Booking.objects.filter(pk=booking.pk).update(room_id=room_id)
        return
    room_id = classroom.create_classroom(booking)
    Booking.objects.filter(pk=booking.pk, room_id="").update(room_id=room_id)


def presence(booking: Booking, now: datetime) -> tuple[list[Interval], list[Interval]]:
    if booking.meeting_provider == MeetingProvider.ZOOM:
        # Zoom's participant_joined / participant_left webhooks: the host is the teacher.
        teacher: list[Interval] = []
        learner: list[Interval] = []
        for visit in booking.zoom_attendance.all():
            span = Interval(visit.joined_at, visit.left_at or now)
            (teacher if visit.is_host else learner).append(span)
        return teacher, learner
    return classroom.presence(booking)


def bill_per_minute(booking: Booking, both_present_seconds: int) -> tuple[int, Decimal]:
    """Whole minutes both were present, at most the booked (pre-authorised) length."""
    minutes = min(both_present_seconds // 60, booking.minutes)
    assert booking.price_per_minute is not None  # noqa: S101 - per-minute bookings have it
    amount = min((booking.price_per_minute * minutes).quantize(CENT, ROUND_HALF_UP), booking.price)
    return minutes, amount


def finish_session(
    booking_id: Any, *, now: datetime | None = None, meeting_ended: bool = False
) -> Booking:
    """Ends a lesson once its time is over, from the recorded attendance:

    * nobody, or only one of the two, showed up → a no-show, refunded by policy;
    * per-minute gigs bill the minutes both were present, refund the rest of the
      pre-authorised amount and pay the teacher at once;
    * fixed-price gigs wait for the learner's confirmation (or ``auto_complete_hours``).

    ``meeting_ended``: the meeting provider said the meeting is over (Zoom's
    ``meeting.ended``), which may be before the booked end.
    """
    now = now or timezone.now()
    settings = policy()
    with transaction.atomic():
        booking = lock(booking_id)
        if booking.status not in (BookingStatus.CONFIRMED, BookingStatus.IN_PROGRESS):
            raise InvalidBookingState("Only confirmed lessons can be finished.")
        if now < booking.end and not meeting_ended:
            raise InvalidBookingState("The lesson is not over yet.")
        teacher, learner = presence(booking, now)
        lesson = Interval(booking.start, booking.end + timedelta(minutes=30))
        together = classroom.both_present_seconds(teacher, learner, within=lesson)
        booking.ended_at = booking.ended_at or now
        if together == 0:
            learner_came, teacher_came = bool(learner), bool(teacher)
            percent = (
                settings.learner_no_show_refund_percent
                if teacher_came and not learner_came
                else settings.teacher_no_show_refund_percent
            )
            refund = (booking.price * Decimal(percent) / 100).quantize(CENT, ROUND_HALF_UP)
            absent = "learner" if teacher_came and not learner_came else "teacher"
            move_status(
                booking, BookingStatus.NO_SHOW, note=f"{absent} did not show; refund {refund}"
            )
            booking.refunded_amount = refund
            booking.save()
            if refund:
                payments.refund(booking, refund, reason=f"{absent} no-show")
            if refund < booking.price:
                payments.pay_teacher(booking, booking.price - refund, reason="learner no-show")
            return booking
        activity.record(
            booking.learner_id,
            "tutoring.lesson_attended",
            obj=booking,
            data={
                "booking_id": str(booking.pk),
                "teacher_id": str(booking.teacher_id),
                "minutes": together // 60,
            },
        )
        if booking.gig.pricing_mode == PricingMode.PER_MINUTE and booking.price_per_minute:
            minutes, amount = bill_per_minute(booking, together)
            booking.billed_minutes, booking.billed_amount = minutes, amount
            refund = booking.price - amount
            booking.refunded_amount = refund
            booking.completed_at = now
            move_status(booking, BookingStatus.COMPLETED, note=f"{minutes} min billed")
            booking.save()
            if refund:
                payments.refund(booking, refund, reason="unused pre-authorised minutes")
            payments.pay_teacher(booking, amount, reason=f"{minutes} minutes")
            return booking
        booking.billed_minutes = min(together // 60, booking.minutes)
        booking.billed_amount = booking.price
        move_status(booking, BookingStatus.AWAITING_CONFIRMATION, note="waiting for the learner")
        booking.save()
    return booking


def confirm_completion(booking_id: Any, *, by: User | None, now: datetime | None = None) -> Booking:
    """The learner confirms the lesson took place (``by=None``: the automatic confirmation
    after ``auto_complete_hours`` without a dispute). The teacher is paid."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = lock(booking_id)
        if by is not None and by.pk != booking.learner_id:
            raise NotAllowed()
        if booking.status != BookingStatus.AWAITING_CONFIRMATION:
            raise InvalidBookingState("This lesson is not waiting for a confirmation.")
        booking.completed_at = now
        move_status(booking, BookingStatus.COMPLETED, actor=by, note="" if by else "automatically")
        booking.save()
        payments.pay_teacher(booking, booking.price, reason="lesson delivered")
    return booking


def open_dispute(booking_id: Any, *, by: User, reason: str) -> Booking:
    with transaction.atomic():
        booking = lock(booking_id)
        if by.pk != booking.learner_id:
            raise NotAllowed()
        if booking.status != BookingStatus.AWAITING_CONFIRMATION:
            raise InvalidBookingState("Only lessons waiting for your confirmation can be disputed.")
        move_status(booking, BookingStatus.DISPUTED, actor=by, note=reason)
        booking.save()
        _announce_complaint(booking, by=by, reason=reason)
    return booking


def hold_in_dispute(booking_id: Any, *, note: str = "") -> None:
    """A complaint about this lesson was opened elsewhere (the learner's "Report a problem"):
    a lesson waiting for the learner's confirmation is held in dispute, so that it is not
    confirmed automatically and its teacher not paid before the dispute is decided."""
    booking = lock(booking_id)
    if booking.status == BookingStatus.AWAITING_CONFIRMATION:
        move_status(booking, BookingStatus.DISPUTED, note=note[:500] or "problem reported")
        booking.save()


def _announce_complaint(booking: Booking, *, by: User, reason: str) -> None:
    """The disputes app opens a dispute for the complaint (through payments' signal: tutoring
    does not import it)."""
    from payments.signals import complaint_opened

    payment = payments.payment_of(booking)
    if payment is not None:
        complaint_opened.send(sender=Booking, payment=payment, by=by, reason=reason)


def settle_disputed_lesson(booking_id: Any, *, refunded: Decimal) -> Decimal:
    """A dispute about this lesson was decided with ``refunded`` given back to the learner.
    A lesson held in dispute is closed: the teacher is paid the rest (nothing when all of it
    was refunded). Returns how much of ``refunded`` the teacher had already been paid (their
    share of it, for a lesson paid out before the dispute), which a "teacher debt" decision
    recovers from their earnings. Idempotent: a settled lesson is left as it is."""
    with transaction.atomic():
        booking = lock(booking_id)
        if booking.status == BookingStatus.DISPUTED:
            booking.refunded_amount = min(booking.price, booking.refunded_amount + refunded)
            booking.completed_at = timezone.now()
            done = booking.refunded_amount >= booking.price
            move_status(
                booking,
                BookingStatus.CANCELLED if done else BookingStatus.COMPLETED,
                note=f"dispute decided: {refunded} refunded",
            )
            booking.save()
            payments.pay_teacher(booking, booking.price - booking.refunded_amount, reason="dispute")
            return Decimal("0")
        if booking.status == BookingStatus.COMPLETED:
            rate = payments.commission_rate()
            return (refunded * (1 - rate)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return Decimal("0")


def settle_due_sessions(now: datetime | None = None) -> int:
    """Finishes lessons whose time is over and auto-confirms fixed-price ones left without
    a dispute. Each booking in its own transaction: one failure does not stop the rest."""
    now = now or timezone.now()
    done = 0
    for booking_id in Booking.objects.filter(
        status__in=[BookingStatus.CONFIRMED, BookingStatus.IN_PROGRESS],
        end__lte=now - timedelta(minutes=30),
    ).values_list("pk", flat=True):
        try:
            finish_session(booking_id, now=now)
            done += 1
        except Exception:
            logger.exception("could not finish booking %s", booking_id)
    deadline = now - timedelta(hours=policy().auto_complete_hours)
    for booking_id in Booking.objects.filter(
        status=BookingStatus.AWAITING_CONFIRMATION, ended_at__lte=deadline
    ).values_list("pk", flat=True):
        confirm_completion(booking_id, by=None, now=now)
        done += 1
    return done
