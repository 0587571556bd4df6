"""Lessons of a person who deletes their account: nobody is left waiting for a lesson that
will not happen, or for an answer that will not come, and nobody pays for one.

Only what has not started is touched: held and paid bookings whose start is still ahead, and
group sessions not yet begun. Lessons under way, delivered, missed or already cancelled stay
as they are (they settle, or have settled, by the usual rules). Everything goes through the
services every other cancellation uses, so refunds leave through the same ledger steps and
the same after-commit Celery task (``tasks.refund_booking``), and the other side is told by
the same notification tasks (never the deleted account itself: those tasks skip it).

Pending requests for a lesson time are answered the same way: the learner's withdrawn, the
teacher's declined, through ``services.time_requests``.
"""

from datetime import datetime

from django.utils import timezone

from accounts.models import User

from ..errors import AlreadyAnswered
from ..models import Booking, BookingStatus, GroupSession, TimeRequest, TimeRequestStatus
from .bookings import cancel_booking
from .group_sessions import cancel_session
from .time_requests import decline, withdraw

TEACHER_LEFT = "The teacher has closed their account."
LEARNER_LEFT = "The learner has closed their account."
UPCOMING = (BookingStatus.HELD, BookingStatus.CONFIRMED)


def cancel_upcoming_lessons(user: User, *, now: datetime | None = None) -> int:
    """Cancels ``user``'s upcoming lessons and answers their pending time requests, on both
    sides; returns how many bookings, sessions and requests were closed. Call inside the deletion's transaction, with the teacher
    listing already unlisted (that write locks the listing row, so a booking racing the
    deletion is either committed before and cancelled here, or refused as unlisted).

    * As a teacher: every group session is cancelled (each paid seat refunded in full, each
      learner told) and every one-to-one lesson too (a teacher's cancellation: refunded in
      full by the policy; the learner is told).
    * As a learner: every lesson and seat is cancelled and refunded in full whatever the
      notice (the late-cancellation share is for a learner who could still come); the
      teacher is told and the seat goes back on sale.
    * Held (unpaid) bookings are released. A payment still on its way for one is refunded in
      full when it lands (``confirm_payment`` on a cancelled booking).
    * Pending time requests: those the teacher was asked are declined (the learner is told
      why), those the learner made are withdrawn (the teacher is told). A request answered
      or expired meanwhile is left as it is.
    """
    now = now or timezone.now()
    sessions = list(
        GroupSession.objects.filter(teacher_id=user.pk, cancelled=False, start__gt=now)
        .order_by("start", "pk")
        .values_list("pk", flat=True)
    )
    for session_id in sessions:
        cancel_session(session_id, by=user, reason=TEACHER_LEFT, now=now)
    lessons = Booking.objects.filter(
        teacher_id=user.pk, group_session__isnull=True, status__in=UPCOMING, start__gt=now
    ).order_by("start", "pk")
    taught = list(lessons.values_list("pk", flat=True))
    for booking_id in taught:
        cancel_booking(booking_id, by=user, reason=TEACHER_LEFT, now=now)
    booked = Booking.objects.filter(learner=user, status__in=UPCOMING, start__gt=now).order_by(
        "start", "pk"
    )
    learned = list(booked.values_list("pk", flat=True))
    for booking_id in learned:
        cancel_booking(booking_id, by=user, reason=LEARNER_LEFT, now=now, full_refund=True)
    return len(sessions) + len(taught) + len(learned) + _close_pending_requests(user, now)


def _close_pending_requests(user: User, now: datetime) -> int:
    """Each answer locks its request and checks it is still pending; one answered or expired
    since the list was read raises ``AlreadyAnswered`` (its savepoint rolled back) and is
    skipped: it no longer waits on anyone."""
    pending = TimeRequest.objects.filter(status=TimeRequestStatus.PENDING).order_by("pk")
    closed = 0
    for request_id in pending.filter(gig__listing__user=user).values_list("pk", flat=True):
        try:
            decline(request_id, by=user, note=TEACHER_LEFT, now=now)
        except AlreadyAnswered:
            continue
        closed += 1
    for request_id in pending.filter(learner=user).values_list("pk", flat=True):
        try:
            withdraw(request_id, by=user, now=now)
        except AlreadyAnswered:
            continue
        closed += 1
    return closed
