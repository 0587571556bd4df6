"""The person's rooms: rooms they host, memberships, attendance and recordings they made.

On account deletion the recordings they made are deleted (rows, then files after the
commit), waiting match requests go, rooms they host still open are ended. Attendance stays:
per-minute lesson billing is computed from it (accounting)."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.exporting import iso
from accounts.models import User

from .api.serializers import recording_url
from .models import Attendance, MatchRequest, Member, Recording, Room


def export_personal_data(user: User) -> dict[str, Any]:
    return {
        "rooms_hosted": [
            {
                "id": str(room.pk),
                "kind": room.kind,
                "topic": room.topic,
                "created_at": iso(room.created_at),
                "ended_at": iso(room.ended_at),
            }
            for room in Room.objects.filter(host=user).order_by("created_at")
        ],
        "memberships": [
            {
                "room": str(member.room_id),
                "role": member.role,
                "state": member.state,
                "recording_consent": member.recording_consent,
            }
            for member in Member.objects.filter(user=user).order_by("room_id")
        ],
        "attendance": [
            {
                "room": str(stay.room_id),
                "joined_at": iso(stay.joined_at),
                "left_at": iso(stay.left_at),
            }
            for stay in Attendance.objects.filter(user=user).order_by("joined_at")
        ],
        "recordings_made": [
            {
                "room": str(recording.room_id),
                "mime": recording.mime,
                "size": recording.size,
                "created_at": iso(recording.created_at),
                "url": recording_url(recording),
            }
            for recording in Recording.objects.filter(uploaded_by=user).order_by("created_at")
        ],
    }


def erase_personal_data(user: User) -> None:
    recordings = Recording.objects.filter(uploaded_by=user)
    files = [name for name in recordings.values_list("file", flat=True) if name]
    recordings.delete()
    MatchRequest.objects.filter(user=user).delete()
    Room.objects.filter(host=user, ended_at__isnull=True).update(ended_at=timezone.now())
    if files:
        transaction.on_commit(lambda: _delete_files(files))


def _delete_files(names: list[str]) -> None:
    from django.core.files.storage import storages

    for name in names:
        storages["private"].delete(name)
