"""Requests for a lesson time outside the teacher's posted hours.

The learner asks; the teacher accepts or declines; the learner may withdraw while the
request is pending. Accepting holds a booking through ``hold_booking`` itself, skipping only
the posted-hours check (being outside them is the point of a request): the buffers, the
group sessions and PostgreSQL's exclusion constraint apply exactly as for any booking, so
a request that now overlaps another lesson is refused with ``slot_taken`` (409) and stays
pending. The learner then pays within ``TutoringSettings.request_hold_hours``.

A request still pending when its time comes is expired by the periodic
``expire_passed_requests`` (the learner is told); it can then no longer be answered.
"""

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core import dispatch

from ..errors import AlreadyAnswered, AlreadyRequested, InvalidBookingState, NotAllowed, NotBookable
from ..models import Gig, LessonType, TimeRequest, TimeRequestStatus
from .bookings import hold_booking, price_of
from .rows import policy


def _notify_on_commit(request_id: Any) -> None:
    dispatch.enqueue_on_commit("tutoring.tasks.time_request_changed", str(request_id))


def request_time(
    *,
    learner: User,
    gig: Gig,
    start: datetime,
    minutes: int,
    message: str = "",
    now: datetime | None = None,
) -> TimeRequest:
    now = now or timezone.now()
    listing = gig.listing
    if not listing.is_listed or not gig.is_active:
        raise NotBookable()
    if learner.pk == listing.user_id:
        raise NotAllowed("You cannot ask yourself for a lesson.")
    if start <= now:
        raise NotBookable("Ask for a time in the future.")
    price_of(gig, minutes, LessonType.SINGLE)  # the gig must offer this length
    try:
        with transaction.atomic():
            time_request = TimeRequest.objects.create(
                learner=learner,
                gig=gig,
                start=start.astimezone(UTC),
                minutes=minutes,
                message=message,
            )
            _notify_on_commit(time_request.pk)
    except IntegrityError as error:
        raise AlreadyRequested() from error
    return time_request


def _lock(request_id: Any) -> TimeRequest:
    return (
        TimeRequest.objects.select_for_update(of=("self",))
        .select_related("gig__listing")
        .get(pk=request_id)
    )


def _answerable(time_request: TimeRequest) -> None:
    if time_request.status != TimeRequestStatus.PENDING:
        raise AlreadyAnswered(f"This request is already {time_request.get_status_display()}.")


def accept(request_id: Any, *, by: User, now: datetime | None = None) -> TimeRequest:
    """The teacher accepts: a held booking is made for the requested time."""
    now = now or timezone.now()
    with transaction.atomic():
        time_request = _lock(request_id)
        if by.pk != time_request.gig.listing.user_id:
            raise NotAllowed()
        _answerable(time_request)
        if time_request.start <= now:
            raise InvalidBookingState("The requested time has passed.")
        hold_for = min(timedelta(hours=policy().request_hold_hours), time_request.start - now)
        booking = hold_booking(
            learner=time_request.learner,
            gig=time_request.gig,
            start=time_request.start,
            minutes=time_request.minutes,
            now=now,
            hold_for=hold_for,
            check_availability=False,
            actor=by,
        )
        time_request.status = TimeRequestStatus.ACCEPTED
        time_request.booking = booking
        time_request.answered_at = now
        time_request.save(update_fields=["status", "booking", "answered_at"])
        _notify_on_commit(time_request.pk)
    return time_request


def decline(
    request_id: Any, *, by: User, note: str = "", now: datetime | None = None
) -> TimeRequest:
    with transaction.atomic():
        time_request = _lock(request_id)
        if by.pk != time_request.gig.listing.user_id:
            raise NotAllowed()
        _answerable(time_request)
        time_request.status = TimeRequestStatus.DECLINED
        time_request.decline_reason = note.strip()[:255]
        time_request.answered_at = now or timezone.now()
        time_request.save(update_fields=["status", "decline_reason", "answered_at"])
        _notify_on_commit(time_request.pk)
    return time_request


def withdraw(request_id: Any, *, by: User, now: datetime | None = None) -> TimeRequest:
    with transaction.atomic():
        time_request = _lock(request_id)
        if by.pk != time_request.learner_id:
            raise NotAllowed()
        _answerable(time_request)
        time_request.status = TimeRequestStatus.WITHDRAWN
        time_request.answered_at = now or timezone.now()
        time_request.save(update_fields=["status", "answered_at"])
        _notify_on_commit(time_request.pk)
    return time_request


def expire_passed_requests(now: datetime | None = None) -> int:
    """Marks every pending request whose time has come as expired and tells each learner.
    Rows another transaction holds (an answer in flight) are skipped: that answer decides
    them, or the next run does."""
    now = now or timezone.now()
    with transaction.atomic():
        passed = list(
            TimeRequest.objects.select_for_update(skip_locked=True)
            .filter(status=TimeRequestStatus.PENDING, start__lte=now)
            .values_list("pk", flat=True)
        )
        TimeRequest.objects.filter(pk__in=passed).update(
            status=TimeRequestStatus.EXPIRED, answered_at=now
        )
        for request_id in passed:
            _notify_on_commit(request_id)
    return len(passed)
