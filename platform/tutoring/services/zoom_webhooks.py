"""What Zoom tells us about a lesson's meeting, turned into attendance, billing and completion.

Zoom signs every delivery (``x-zm-signature: v0=HMAC-SHA256(secret, "v0:{ts}:{body}")``
with ``x-zm-request-timestamp``); a delivery older than five minutes is refused, and a
body we have already acted on (Zoom retries; a captured one could be replayed inside the
window) changes nothing: ``ZoomWebhookEvent`` keeps the digest of every accepted body.

The meeting's host is the teacher (they start it with the ``start_url``); any other
participant is the learner. Their visits (``ZoomAttendance``) stand in for the classroom's
``Attendance``: ``meeting.ended`` finishes the lesson from them, per minute both were
present for per-minute gigs, as ``settle_due_sessions`` does for the built-in classroom.
"""

import hashlib
import json
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from .. import zoom
from ..errors import InvalidZoomEvent, InvalidZoomSignature
from ..models import Booking, BookingStatus, ZoomAttendance, ZoomWebhookEvent
from .bookings import lock
from .rows import move_status


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def receive(body: bytes, timestamp: str | None, signature: str | None) -> dict[str, Any]:
    """Verifies and acts on one delivery; returns what to answer Zoom."""
    if not zoom.verify_webhook(body, timestamp, signature):
        raise InvalidZoomSignature()
    try:
        event = json.loads(body)
        name = str(event["event"])
        payload = event.get("payload") or {}
    except (ValueError, KeyError, TypeError):
        raise InvalidZoomEvent() from None
    if name == "endpoint.url_validation":
        return zoom.url_validation_response(str(payload.get("plainToken", "")))
    meeting = payload.get("object") or {}
    meeting_id = str(meeting.get("id", ""))
    with transaction.atomic():
        try:
            with transaction.atomic():
                ZoomWebhookEvent.objects.create(
                    digest=hashlib.sha256(body).hexdigest(), event=name[:64], meeting_id=meeting_id
                )
        except IntegrityError:
            return {"received": True, "duplicate": True}
        booking_id = (
            Booking.objects.filter(zoom_meeting_id=meeting_id).values_list("pk", flat=True).first()
            if meeting_id
            else None
        )
        if booking_id is not None:
            handler = HANDLERS.get(name)
            if handler is not None:
                handler(lock(booking_id), meeting)
    return {"received": True, "duplicate": False}


def _started(booking: Booking, meeting: dict[str, Any]) -> None:
    started = _time(meeting.get("start_time"))
    if booking.meeting_started_at is None and started:
        booking.meeting_started_at = started
    if booking.status == BookingStatus.CONFIRMED:
        move_status(booking, BookingStatus.IN_PROGRESS, note="Zoom meeting started")
    booking.save()


def _visit_key(participant: dict[str, Any]) -> str:
    return str(
        participant.get("participant_uuid")
        or participant.get("user_id")
        or participant.get("id")
        or ""
    )[:64]


def _joined(booking: Booking, meeting: dict[str, Any]) -> None:
    participant = meeting.get("participant") or {}
    joined = _time(participant.get("join_time"))
    if joined is None:
        return
    ZoomAttendance.objects.get_or_create(
        booking=booking,
        participant=_visit_key(participant),
        joined_at=joined,
        defaults={
            "name": str(participant.get("user_name", ""))[:200],
            "email": str(participant.get("email", ""))[:254],
            "is_host": bool(participant.get("id"))
            and participant.get("id") == meeting.get("host_id"),
        },
    )
    if booking.status == BookingStatus.CONFIRMED:
        move_status(booking, BookingStatus.IN_PROGRESS, note="joined on Zoom")
        booking.save()


def _left(booking: Booking, meeting: dict[str, Any]) -> None:
    participant = meeting.get("participant") or {}
    left = _time(participant.get("leave_time"))
    visit = (
        ZoomAttendance.objects.filter(
            booking=booking, participant=_visit_key(participant), left_at__isnull=True
        )
        .order_by("-joined_at")
        .first()
    )
    if visit is not None and left is not None and left >= visit.joined_at:
        visit.left_at = left
        visit.save(update_fields=["left_at"])


def _ended(booking: Booking, meeting: dict[str, Any]) -> None:
    from .sessions import finish_session

    ended = _time(meeting.get("end_time"))
    if ended is None:
        return
    # Whoever Zoom never reported leaving left when the meeting ended.
    ZoomAttendance.objects.filter(booking=booking, left_at__isnull=True).update(left_at=ended)
    booking.ended_at = ended
    booking.save(update_fields=["ended_at", "updated_at"])
    if booking.status in (BookingStatus.CONFIRMED, BookingStatus.IN_PROGRESS):
        finish_session(booking.pk, now=ended, meeting_ended=True)


HANDLERS = {
    "meeting.started": _started,
    "meeting.participant_joined": _joined,
    "meeting.participant_left": _left,
    "meeting.ended": _ended,
}
