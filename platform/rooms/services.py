"""Writes on rooms: creating them (other apps call create_classroom / create_call; a person
placing a call, start_call), joining and leaving (attendance), the host's and teacher's
powers, the board and pad, recordings and random matching."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone

from core.uploads import RejectedUpload, checked_type, stored_name

from . import selectors
from .errors import (  # noqa: F401 - callers catch them as services.X too
    CallBlocked,
    ConsentMissing,
    InvalidCall,
    InvalidRecording,
    NotAllowed,
    RoomError,
    RoomFull,
)
from .models import Attendance, MatchRequest, Member, Recording, Room

LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
MAX_STROKES = 5000
RECORDING_MAX_BYTES = 500 * 1024 * 1024
# What browsers' MediaRecorder produces for a room recording (WebM or Ogg).
RECORDING_TYPES = frozenset({"video/webm", "audio/webm", "audio/ogg", "video/ogg"})


def _capacity(kind: str, capacity: int | None) -> int:
    return capacity or settings.ROOMS_DEFAULT_CAPACITY[kind]


@transaction.atomic
def create_call(caller: Any, callee: Any) -> Room:
    """A private call between two people. Every path that creates one (the API, random
    matching) comes here, so the self and block checks cannot be skipped."""
    # Rooms may import messaging (never the reverse): its block check is the one check.
    from messaging.selectors import is_blocked_between

    if caller.pk == callee.pk:
        raise InvalidCall()
    if is_blocked_between(caller.pk, callee.pk):
        raise CallBlocked()
    room = Room.objects.create(kind=Room.Kind.CALL, host=caller, capacity=2)
    Member.objects.bulk_create(
        [
            Member(room=room, user=caller, role=Member.Role.CALLER),
            Member(room=room, user=callee, role=Member.Role.CALLEE),
        ]
    )
    return room


def start_call(caller: Any, callee: Any) -> Room:
    """A call someone places: the room (``create_call``, with its checks) and, once it is
    committed, the callee's incoming-call notification (random matching creates calls for
    two people who are both waiting, so it rings no one)."""
    from notifications.services import notify

    with transaction.atomic():
        room = create_call(caller, callee)
        transaction.on_commit(
            lambda: notify(
                callee,
                "call.incoming",
                f"{caller} is calling you",
                data={"room": str(room.pk)},
                url=f"/calls/{room.pk}/",
            )
        )
    return room


@transaction.atomic
def create_voice_room(
    host: Any, topic: str, language: str, *, level: str = "", capacity: int | None = None
) -> Room:
    room = Room.objects.create(
        kind=Room.Kind.VOICE,
        host=host,
        topic=topic[:200],
        language=language,
        level=level,
        capacity=_capacity(Room.Kind.VOICE, capacity),
    )
    Member.objects.create(room=room, user=host, role=Member.Role.HOST)
    return room


@transaction.atomic
def create_classroom(
    teacher: Any,
    learners: Iterable[Any],
    starts_at: dt.datetime | None = None,
    *,
    topic: str = "",
    language: str = "",
    capacity: int | None = None,
) -> Room:
    """A classroom for a lesson: the teacher plus the listed learners, who wait until the
    teacher admits them. Tutoring and bookings call this."""
    room = Room.objects.create(
        kind=Room.Kind.CLASSROOM,
        host=teacher,
        topic=topic[:200],
        language=language,
        starts_at=starts_at,
        capacity=_capacity(Room.Kind.CLASSROOM, capacity),
    )
    Member.objects.create(room=room, user=teacher, role=Member.Role.TEACHER)
    Member.objects.bulk_create(
        [
            Member(room=room, user=learner, role=Member.Role.LEARNER, state=Member.State.INVITED)
            for learner in learners
            if learner.pk != teacher.pk
        ]
    )
    return room


def admit_learner(room_id: Any, learner: Any) -> None:
    """Adds ``learner`` to a classroom already admitted (a paid group-session seat: they
    don't wait for the teacher one by one). Admitting again changes nothing."""
    Member.objects.update_or_create(
        room_id=room_id,
        user=learner,
        defaults={"role": Member.Role.LEARNER, "state": Member.State.ADMITTED},
    )


def remove_member(room_id: Any, user_id: Any) -> None:
    """Takes ``user_id`` off a room's member list (a cancelled seat)."""
    Member.objects.filter(room_id=room_id, user_id=user_id).delete()


def update_classroom(
    room_id: Any, *, capacity: int, starts_at: dt.datetime, topic: str, ended: bool
) -> None:
    """Keeps a classroom in step with what it is for (a group session's seats, time and
    topic); an ended classroom can't be entered any more."""
    Room.objects.filter(pk=room_id).update(
        capacity=_capacity(Room.Kind.CLASSROOM, capacity),
        starts_at=starts_at,
        topic=topic[:200],
        ended_at=timezone.now() if ended else None,
    )


def join(room_id: Any, user: Any, channel_name: str) -> tuple[Attendance, Member]:
    """Enters a room (after selectors.join_decision allowed it): the capacity is checked
    under a lock on the room, so two last seats are never both given."""
    with transaction.atomic():
        room = Room.objects.select_for_update().get(pk=room_id)
        present_users = set(
            Attendance.objects.filter(room=room, left_at__isnull=True).values_list(
                "user_id", flat=True
            )
        )
        if user.pk not in present_users and len(present_users) >= room.capacity:
            raise RoomFull()
        member, _ = Member.objects.get_or_create(
            room=room, user=user, defaults={"role": Member.Role.LISTENER}
        )
        if member.state in (Member.State.INVITED, Member.State.WAITING):
            member.state = Member.State.ADMITTED
            member.save(update_fields=["state"])
        attendance = Attendance.objects.create(room=room, user=user, channel_name=channel_name)
    return attendance, member


def wait(room_id: Any, user: Any) -> None:
    Member.objects.filter(room_id=room_id, user=user, state=Member.State.INVITED).update(
        state=Member.State.WAITING
    )


def leave(attendance_id: Any) -> None:
    Attendance.objects.filter(pk=attendance_id, left_at__isnull=True).update(left_at=timezone.now())


def touch_attendance(attendance_id: Any) -> None:
    """The socket holding this seat is alive (its heartbeat or a client ping)."""
    Attendance.objects.filter(pk=attendance_id, left_at__isnull=True).update(
        last_seen_at=timezone.now()
    )


def release_stale_attendance(now: dt.datetime | None = None) -> list[tuple[str, str, str]]:
    """Closes attendance rows whose socket has not been seen for
    ROOMS_ATTENDANCE_STALE_SECONDS (its server restarted or died without cleanup), as of
    when it was last seen, so that billing and overlap do not count the dead time. Returns
    (room id, attendance id, user id) of each, for telling the rooms' remaining peers."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.ROOMS_ATTENDANCE_STALE_SECONDS)
    with transaction.atomic():
        stale = list(
            Attendance.objects.select_for_update(skip_locked=True)
            .filter(left_at__isnull=True, last_seen_at__lt=cutoff)
            .values_list("pk", "room_id", "user_id")
        )
        Attendance.objects.filter(pk__in=[pk for pk, _, _ in stale]).update(
            left_at=models.F("last_seen_at")
        )
    return [(str(room_id), str(pk), str(user_id)) for pk, room_id, user_id in stale]


def _require_host(room_id: Any, user: Any) -> Room:
    room = Room.objects.filter(pk=room_id).first()
    if room is None:
        raise NotAllowed()
    selectors.require_host(room, user)
    return room


def admit(teacher: Any, room_id: Any, learner_id: Any) -> bool:
    _require_host(room_id, teacher)
    return bool(
        Member.objects.filter(
            room_id=room_id,
            user_id=learner_id,
            role=Member.Role.LEARNER,
            state__in=[Member.State.WAITING, Member.State.INVITED],
        ).update(state=Member.State.ADMITTED)
    )


def set_hand(room_id: Any, user: Any, raised: bool) -> None:
    Member.objects.filter(room_id=room_id, user=user).update(hand_raised=raised)


def set_speaker(host: Any, room_id: Any, user_id: Any, speaker: bool) -> None:
    room = _require_host(room_id, host)
    if room.kind != Room.Kind.VOICE:
        raise NotAllowed("Speakers are for voice rooms.")
    Member.objects.filter(room_id=room_id, user_id=user_id).exclude(role=Member.Role.HOST).update(
        role=Member.Role.SPEAKER if speaker else Member.Role.LISTENER, hand_raised=False
    )


def mute(host: Any, room_id: Any, user_id: Any) -> None:
    _require_host(room_id, host)
    Member.objects.filter(room_id=room_id, user_id=user_id).update(muted=True)


def remove(host: Any, room_id: Any, user_id: Any) -> list[str]:
    """Removes someone for good (they cannot rejoin). Returns their sockets' channels."""
    _require_host(room_id, host)
    if str(user_id) == str(host.pk):
        raise NotAllowed("The host cannot remove themselves.")
    Member.objects.update_or_create(
        room_id=room_id,
        user_id=user_id,
        defaults={"state": Member.State.REMOVED, "role": Member.Role.LISTENER},
    )
    return list(
        Attendance.objects.filter(
            room_id=room_id, user_id=user_id, left_at__isnull=True
        ).values_list("channel_name", flat=True)
    )


def add_stroke(room_id: Any, stroke: dict[str, Any]) -> None:
    with transaction.atomic():
        room = Room.objects.select_for_update().only("whiteboard").get(pk=room_id)
        room.whiteboard = [*room.whiteboard, stroke][-MAX_STROKES:]
        room.save(update_fields=["whiteboard"])


def clear_board(room_id: Any) -> None:
    Room.objects.filter(pk=room_id).update(whiteboard=[])


def update_pad(room_id: Any, text: str, base_version: int) -> tuple[bool, int, str]:
    """Optimistic concurrency: a change based on an older version is refused and the
    client gets the current text to reapply its edit (no CRDT, by choice: one small pad)."""
    with transaction.atomic():
        room = Room.objects.select_for_update().only("pad_text", "pad_version").get(pk=room_id)
        if base_version != room.pad_version:
            return False, room.pad_version, room.pad_text
        room.pad_text = text[:20000]
        room.pad_version += 1
        room.save(update_fields=["pad_text", "pad_version"])
        return True, room.pad_version, room.pad_text


def set_recording_consent(room_id: Any, user: Any, granted: bool) -> None:
    Member.objects.filter(room_id=room_id, user=user).update(recording_consent=granted)


def consent_status(room_id: Any) -> tuple[bool, list[str]]:
    """(everyone present agreed, ids of those present who have not)."""
    present = set(
        Attendance.objects.filter(room_id=room_id, left_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    agreed = set(
        Member.objects.filter(
            room_id=room_id, user_id__in=present, recording_consent=True
        ).values_list("user_id", flat=True)
    )
    missing = sorted(str(user_id) for user_id in present - agreed)
    return (bool(present) and not missing), missing


def save_recording(user: Any, room_id: Any, upload: UploadedFile) -> Recording:
    room = _require_host(room_id, user)
    everyone, _ = consent_status(room_id)
    agreed = list(
        Member.objects.filter(room_id=room_id, recording_consent=True).values_list(
            "user_id", flat=True
        )
    )
    if not everyone:
        raise ConsentMissing()
    try:
        mime = checked_type(upload, RECORDING_TYPES)
    except RejectedUpload as exc:
        raise InvalidRecording() from exc
    if (upload.size or 0) > RECORDING_MAX_BYTES:
        raise InvalidRecording("This recording is too large.")
    recording = Recording(
        room=room,
        uploaded_by=user,
        mime=mime,
        size=upload.size or 0,
        consented_user_ids=[str(pk) for pk in agreed],
    )
    recording.file.save(stored_name(mime), upload, save=False)
    recording.save()
    return recording


# --- Random 1:1 matching -----------------------------------------------------------------------
def find_partner(user: Any, language: str, level: str, channel_name: str) -> MatchRequest:
    """Matches ``user`` with the longest-waiting learner of the same language and level
    (skipping people they blocked or who blocked them), creating their private call; or
    queues ``user``. ``SKIP LOCKED`` lets concurrent seekers take different partners."""
    from messaging.selectors import is_blocked_between

    cutoff = timezone.now() - dt.timedelta(seconds=settings.MATCHMAKING_TIMEOUT_SECONDS)
    with transaction.atomic():
        MatchRequest.objects.filter(user=user, status=MatchRequest.Status.WAITING).update(
            status=MatchRequest.Status.CANCELLED
        )
        candidates = (
            MatchRequest.objects.select_for_update(skip_locked=True)
            .filter(
                language=language,
                level=level,
                status=MatchRequest.Status.WAITING,
                created_at__gte=cutoff,
            )
            .exclude(user=user)
            .select_related("user")
            .order_by("created_at")[:20]
        )
        for candidate in candidates:
            if is_blocked_between(user.pk, candidate.user_id):
                continue
            room = create_call(candidate.user, user)
            room.language, room.level = language, level
            room.save(update_fields=["language", "level"])
            candidate.status = MatchRequest.Status.MATCHED
            candidate.room = room
            candidate.save(update_fields=["status", "room"])
            return MatchRequest.objects.create(
                user=user,
                language=language,
                level=level,
                channel_name=channel_name,
                status=MatchRequest.Status.MATCHED,
                room=room,
            )
        return MatchRequest.objects.create(
            user=user, language=language, level=level, channel_name=channel_name
        )


def expire_match(request_id: Any) -> bool:
    """Gives up on a request still waiting. True if it was (the seeker is told)."""
    return bool(
        MatchRequest.objects.filter(pk=request_id, status=MatchRequest.Status.WAITING).update(
            status=MatchRequest.Status.EXPIRED
        )
    )


def cancel_match(user: Any) -> None:
    MatchRequest.objects.filter(user=user, status=MatchRequest.Status.WAITING).update(
        status=MatchRequest.Status.CANCELLED
    )
