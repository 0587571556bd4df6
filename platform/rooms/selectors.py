"""Reads on rooms, with the policy of who may be where.

- A private call: only its two members, ever.
- A voice room: anyone signed in, unless the host removed them.
- A classroom: its teacher and the learners it lists; learners wait until admitted.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .errors import NotAllowed, RecordingNotFound, RoomNotFound
from .models import Attendance, MatchRequest, Member, Recording, Room


@dataclass
class JoinDecision:
    allowed: bool
    reason: str = ""  # not_found | forbidden | removed | full
    room: Room | None = None
    member: Member | None = None
    waiting: bool = False


def is_host(room: Room, user: Any) -> bool:
    """The one rule for host-only actions (admitting, muting, removing, recording, the
    attendance list): the room's host, who is the teacher in a classroom."""
    return bool(getattr(user, "pk", None)) and room.host_id == user.pk


def require_host(room: Room, user: Any) -> None:
    if not is_host(room, user):
        raise NotAllowed()


@dataclass(frozen=True)
class RoomState:
    """What a socket entering the room is sent: the room row and its member list."""

    room: Room
    members: list[dict[str, Any]]


def room_state(room_id: Any) -> RoomState:
    room = Room.objects.get(pk=room_id)
    members: list[dict[str, Any]] = [
        dict(row)
        for row in Member.objects.filter(room=room).values(
            "user_id", "role", "state", "hand_raised", "muted"
        )
    ]
    return RoomState(room=room, members=members)


def has_recording(room_id: Any, recording_id: Any) -> bool:
    return Recording.objects.filter(room_id=room_id, pk=recording_id).exists()


def visible_rooms(user: Any) -> QuerySet[Room]:
    return Room.objects.filter(
        Q(kind=Room.Kind.VOICE)
        | Q(members__user=user, members__state__in=["invited", "waiting", "admitted"])
    ).distinct()


# Who took part in a room: everyone let in (or invited to a call or class), not people left
# in the waiting room or removed by the host.
PARTICIPANT_STATES = ("invited", "admitted")


def recordings_for(user: Any, room_id: Any) -> QuerySet[Recording]:
    """A room's recordings, for its participants only (a public voice room's recordings are
    not public: its listeners are members once they joined)."""
    return Recording.objects.filter(
        room_id=room_id,
        room__members__user=user,
        room__members__state__in=PARTICIPANT_STATES,
    ).order_by("-created_at")


def recording_for(user: Any, room_id: Any, recording_id: Any) -> Recording:
    try:
        return recordings_for(user, room_id).get(pk=recording_id)
    except (Recording.DoesNotExist, ValueError) as exc:
        raise RecordingNotFound() from exc


def room_for(user: Any, room_id: Any) -> Room:
    try:
        return visible_rooms(user).get(pk=room_id)
    except (Room.DoesNotExist, ValueError) as exc:
        raise RoomNotFound() from exc


def voice_directory(topic: str = "") -> QuerySet[Room]:
    """Open public voice rooms with how many people are in each now; with ``topic``, those
    whose topic contains it (any case)."""
    rooms = Room.objects.filter(kind=Room.Kind.VOICE, ended_at__isnull=True)
    if topic:
        rooms = rooms.filter(topic__icontains=topic)
    return (
        rooms.select_related("host")
        .annotate(present=Count("attendances", filter=Q(attendances__left_at__isnull=True)))
        .order_by("-created_at")
    )


def join_decision(user: Any, room_id: Any) -> JoinDecision:
    room = Room.objects.filter(pk=room_id, ended_at__isnull=True).first()
    if room is None:
        return JoinDecision(False, "not_found")
    member = Member.objects.filter(room=room, user=user).first()
    if member is not None and member.state == Member.State.REMOVED:
        return JoinDecision(False, "removed", room, member)
    if room.kind == Room.Kind.VOICE:
        return JoinDecision(True, room=room, member=member)
    if member is None:
        # Private calls and classrooms: not even their existence is confirmed.
        return JoinDecision(False, "forbidden", room)
    if room.kind == Room.Kind.CLASSROOM and member.role == Member.Role.LEARNER:
        return JoinDecision(
            True, room=room, member=member, waiting=member.state != Member.State.ADMITTED
        )
    return JoinDecision(True, room=room, member=member)


def present(room_id: Any) -> list[dict[str, Any]]:
    """Everyone connected to the room now (one row per socket), with their role."""
    rows = (
        Attendance.objects.filter(room_id=room_id, left_at__isnull=True)
        .select_related("user")
        .order_by("joined_at")
    )
    roles = dict(Member.objects.filter(room_id=room_id).values_list("user_id", "role"))
    return [
        {
            "peer_id": str(row.pk),
            "user": str(row.user_id),
            "name": row.user.get_full_name() or row.user.email.split("@")[0],
            "role": roles.get(row.user_id, ""),
            "channel_name": row.channel_name,
        }
        for row in rows
    ]


def _merged(
    intervals: list[tuple[dt.datetime, dt.datetime]],
) -> list[tuple[dt.datetime, dt.datetime]]:
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def presence_intervals(room: Any, user: Any) -> list[tuple[dt.datetime, dt.datetime]]:
    now = timezone.now()
    rows = Attendance.objects.filter(room=room, user=user).values_list("joined_at", "left_at")
    return _merged([(joined, left or now) for joined, left in rows])


def overlap_seconds(room: Any, user_a: Any, user_b: Any) -> int:
    """How long two people were in the room at the same time (several sockets and
    reconnections each merged first): what tutoring bills for."""
    total = 0.0
    b_intervals = presence_intervals(room, user_b)
    for a_start, a_end in presence_intervals(room, user_a):
        for b_start, b_end in b_intervals:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if end > start:
                total += (end - start).total_seconds()
    return int(total)


def ice_servers(user: Any, now: float | None = None) -> list[dict[str, Any]]:
    """STUN and TURN servers for RTCPeerConnection. TURN credentials use coturn's REST API
    scheme (``use-auth-secret``): username ``<expiry unix time>:<user id>``, password
    ``base64(HMAC-SHA1(secret, username))``, valid until the expiry."""
    servers: list[dict[str, Any]] = []
    if settings.STUN_URLS:
        servers.append({"urls": list(settings.STUN_URLS)})
    if settings.TURN_URLS and settings.TURN_SECRET:
        expiry = int((now or time.time()) + settings.TURN_CREDENTIAL_TTL_SECONDS)
        username = f"{expiry}:{user.pk.hex}"
        digest = hmac.new(settings.TURN_SECRET.encode(), username.encode(), hashlib.sha1).digest()
        servers.append(
            {
                "urls": list(settings.TURN_URLS),
                "username": username,
                "credential": base64.b64encode(digest).decode(),
            }
        )
    return servers


def match_partner(request: MatchRequest) -> MatchRequest | None:
    """The other side of a matched request (the one sharing its call room), if any."""
    return MatchRequest.objects.filter(room=request.room).exclude(pk=request.pk).first()
