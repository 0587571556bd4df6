"""Celery tasks: thin wrappers around the services, idempotent, safe to retry.

Periodic ones are scheduled by django-celery-beat rows made in migration 0004 (operators
change or pause them in the admin): ``send_due_reminders`` and ``expire_holds`` every
minute, ``settle_sessions`` every five minutes; ``expire_time_requests`` (migration
0006_time_request_expiry) every five minutes.
"""

from decimal import Decimal

import httpx
from celery import shared_task

from .models import Booking, ListingStatus, TeacherListing
from .zones import profile_zone, teaching_zone, when
from .zoom import ZoomError

# Every time in a notification is the recipient's: the teacher's in their teaching zone (the
# listing's), the learner's in their profile zone, each naming its zone (see ``zones``).


@shared_task(autoretry_for=(ZoomError, httpx.TransportError), retry_backoff=True, max_retries=8)
def booking_confirmed(booking_id: str) -> None:
    """Opens the meeting (idempotent, so a retry after Zoom failed is safe), then tells both."""
    from .notify import BOOKING_CONFIRMED_LEARNER, BOOKING_CONFIRMED_TEACHER, tell
    from .services.sessions import open_meeting

    booking = Booking.objects.select_related("teacher__user", "learner__profile", "gig").get(
        pk=booking_id
    )
    open_meeting(booking)
    teacher_when = when(booking.start, teaching_zone(booking.teacher))
    learner_when = when(booking.start, profile_zone(booking.learner))
    names = {
        "learner": booking.learner.get_short_name(),
        "teacher": booking.teacher.user.get_short_name(),
        "gig": booking.gig.title,
    }
    data = {"booking": booking_id}
    tell(booking.teacher.user, BOOKING_CONFIRMED_TEACHER, data=data, when=teacher_when, **names)
    tell(booking.learner, BOOKING_CONFIRMED_LEARNER, data=data, when=learner_when, **names)


@shared_task
def booking_cancelled(booking_id: str) -> None:
    from .notify import BOOKING_CANCELLED, tell

    booking = Booking.objects.select_related("teacher__user", "learner__profile", "gig").get(
        pk=booking_id
    )
    reason = f" {booking.cancellation_reason}" if booking.cancellation_reason else ""
    # A deleted account is told nothing: its notifications were erased with it.
    for person, zone in (
        (booking.teacher.user, teaching_zone(booking.teacher)),
        (booking.learner, profile_zone(booking.learner)),
    ):
        if person.deleted_at is not None:
            continue
        tell(
            person,
            BOOKING_CANCELLED,
            data={"booking": booking_id},
            gig=booking.gig.title,
            when=when(booking.start, zone),
            note=reason,
        )


@shared_task
def group_session_cancelled(session_id: str, learner_ids: list[str], reason: str) -> None:
    from accounts.models import User

    from .models import GroupSession
    from .notify import GROUP_SESSION_CANCELLED, tell

    session = GroupSession.objects.select_related("teacher__user").get(pk=session_id)
    note = f" {reason}" if reason else ""
    learners = User.objects.filter(pk__in=set(learner_ids), deleted_at__isnull=True)
    for learner in learners.select_related("profile"):
        tell(
            learner,
            GROUP_SESSION_CANCELLED,
            data={"group_session": session_id},
            topic=session.topic,
            on=when(session.start, profile_zone(learner)),
            note=note,
        )


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def refund_booking(booking_id: str, amount: str, reason: str) -> None:
    from .payments import refund_now

    refund_now(Booking.objects.get(pk=booking_id), Decimal(amount), reason=reason)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def refund_package(package_id: str, amount: str, reason: str, key: str) -> None:
    from .payments import refund_package_now

    refund_package_now(package_id, Decimal(amount), reason=reason, key=key)


@shared_task(name="tutoring.expire_packages")
def expire_packages() -> int:
    from .services.packages import expire_packages as expire

    return expire()


@shared_task
def listing_reviewed(listing_id: str) -> None:
    from .notify import LISTING_REJECTED, LISTING_VERIFIED, tell

    listing = TeacherListing.objects.select_related("user").get(user_id=listing_id)
    if listing.status == ListingStatus.VERIFIED:
        tell(listing.user, LISTING_VERIFIED)
    elif listing.status == ListingStatus.REJECTED:
        tell(listing.user, LISTING_REJECTED, reason=listing.rejection_reason)


@shared_task(name="tutoring.send_due_reminders")
def send_due_reminders() -> int:
    from .services.reminders import send_due_reminders as send

    return send()


@shared_task(name="tutoring.expire_holds")
def expire_holds() -> int:
    from .services.bookings import expire_holds as expire

    return expire()


@shared_task(name="tutoring.settle_sessions")
def settle_sessions() -> int:
    from .services.sessions import settle_due_sessions

    return settle_due_sessions()


@shared_task(name="tutoring.expire_time_requests")
def expire_time_requests() -> int:
    from .services.time_requests import expire_passed_requests

    return expire_passed_requests()


@shared_task
def time_request_changed(request_id: str) -> None:
    """Tells the other side: the teacher of a new or withdrawn request, the learner of an
    accepted, declined or expired one."""
    from .models import TimeRequest, TimeRequestStatus
    from .notify import TIME_REQUEST, tell

    time_request = TimeRequest.objects.select_related("learner__profile", "gig__listing__user").get(
        pk=request_id
    )
    teacher = time_request.gig.listing.user
    learner = time_request.learner
    # Each side reads the time in their own zone; a deleted account is told nothing.
    if time_request.status in (TimeRequestStatus.PENDING, TimeRequestStatus.WITHDRAWN):
        recipient, zone = teacher, teaching_zone(time_request.gig.listing)
    else:
        recipient, zone = learner, profile_zone(learner)
    if recipient.deleted_at is not None:
        return
    data = {"time_request": request_id}
    if time_request.booking_id:
        data["booking"] = str(time_request.booking_id)
    tell(
        recipient,
        TIME_REQUEST[time_request.status],
        data=data,
        learner=learner.get_short_name(),
        teacher=teacher.get_short_name(),
        gig=time_request.gig.title,
        on=when(time_request.start, zone),
        note=f" {time_request.decline_reason}" if time_request.decline_reason else "",
        booking=time_request.booking_id,
        listing=time_request.gig.listing_id,
    )
