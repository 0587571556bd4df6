"""Periodic work on rooms (scheduled by django-celery-beat rows, see migrations)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="rooms.release_stale_attendance")
def release_stale_attendance() -> int:
    """Releases seats whose socket's server died (see services.release_stale_attendance)
    and tells the peers still in those rooms, as a socket's own disconnect would."""
    from core.fanout import room_group, send_to_group

    from .services import release_stale_attendance as release

    released = release()
    for room_id, attendance_id, user_id in released:
        send_to_group(
            room_group(room_id),
            {
                "type": "room.event",
                "event": {"type": "peer.left", "peer_id": attendance_id, "user": user_id},
            },
        )
    return len(released)
