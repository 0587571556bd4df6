"""/ws/rooms/<id>/: WebRTC signalling and the room's shared state.

The server never touches media: it tells each socket who else is in the room (``room.state``,
``peer.joined``, ``peer.left``), relays ``offer`` / ``answer`` / ``ice`` to one named peer of
the same room, and carries the room's control events (hands, speakers, mutes, removals, the
waiting room, chat, whiteboard, pad, screen sharing, recording consent). Who is present lives
in the database (Attendance rows, which billing also uses), never in process memory, so
sockets of one room may sit on different servers.

Close codes (sent after accepting; see realtime/README.md): 4401 not signed in (or access
revoked while connected), 4403 not allowed in this room, 4404 no such room (or ended),
4409 full, 4410 removed by the host, 4412 email not verified.
"""

from __future__ import annotations

import contextlib
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from accounts.selectors import is_email_verified
from core.fanout import room_group, waiting_group
from rooms import errors, selectors, services
from rooms.models import Member, Room

from .base import (
    CLOSE_EMAIL_NOT_VERIFIED,
    CLOSE_FORBIDDEN,
    CLOSE_FULL,
    CLOSE_NOT_FOUND,
    CLOSE_REMOVED,
    CLOSE_UNAUTHENTICATED,
    JsonSocketConsumer,
    int_field,
    uuid_field,
)

CLOSE_FOR_REASON = {
    "not_found": CLOSE_NOT_FOUND,
    "forbidden": CLOSE_FORBIDDEN,
    "removed": CLOSE_REMOVED,
}
SIGNALS = ("offer", "answer", "ice")
BROADCAST_BY_ANYONE = ("screen.start", "screen.stop")
MAX_CHAT_CHARS = 2000


class RoomConsumer(JsonSocketConsumer):
    """A seat (an Attendance row) is held from ``enter`` until ``release``, which the base
    runs however the socket ends. A row whose server died without running it (restart,
    killed process) stops being refreshed by ``heartbeat`` and is released by the
    ``rooms.release_stale_attendance`` sweep."""

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.attendance_id: Any = None
        self.peers: dict[str, dict[str, Any]] = {}
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if not await database_sync_to_async(is_email_verified)(self.user):
            await self.close(code=CLOSE_EMAIL_NOT_VERIFIED)
            return
        decision = await database_sync_to_async(selectors.join_decision)(
            self.user, self.scope["url_route"]["kwargs"]["room_id"]
        )
        if not decision.allowed:
            await self.close(code=CLOSE_FOR_REASON[decision.reason])
            return
        self.room: Room = decision.room
        if not decision.waiting:
            await self.enter(accepted=False)
            return
        await self.accept()
        if decision.waiting:
            await database_sync_to_async(services.wait)(self.room.pk, self.user)
            self.waiting_group: str | None = waiting_group(self.room.pk, self.user.pk)
            await self.channel_layer.group_add(self.waiting_group, self.channel_name)
            await self.send_json({"type": "waiting", "room": str(self.room.pk)})
            await self.broadcast(
                {"type": "waiting.joined", "user": str(self.user.pk), "name": self._name()}
            )
            return
        await self.enter()

    def _name(self) -> str:
        return self.user.get_full_name() or self.user.email.split("@")[0]

    async def enter(self, *, accepted: bool = True) -> None:
        """Takes a seat (refusing the handshake itself when the room is full), then tells
        this socket the room's state and everyone else that a peer joined."""
        try:
            attendance, member = await database_sync_to_async(services.join)(
                self.room.pk, self.user, self.channel_name
            )
        except errors.RoomFull:
            await self.close(code=CLOSE_FULL)
            return
        self.attendance_id = attendance.pk
        self.call_every(settings.ROOMS_HEARTBEAT_SECONDS, self.heartbeat)
        if not accepted:
            await self.accept()
        self.peer_id = str(attendance.pk)
        self.role = member.role
        await self.channel_layer.group_add(room_group(self.room.pk), self.channel_name)
        state = await database_sync_to_async(self._state)()
        self.peers = {p["peer_id"]: p for p in state.pop("_peers") if p["peer_id"] != self.peer_id}
        await self.send_json(state)
        await self.broadcast(
            {
                "type": "peer.joined",
                "peer_id": self.peer_id,
                "user": str(self.user.pk),
                "name": self._name(),
                "role": self.role,
                "channel_name": self.channel_name,
            }
        )

    def _state(self) -> dict[str, Any]:
        state = selectors.room_state(self.room.pk)
        room, members = state.room, state.members
        peers = selectors.present(room.pk)
        return {
            "type": "room.state",
            "room": {
                "id": str(room.pk),
                "kind": room.kind,
                "topic": room.topic,
                "language": room.language,
                "host": str(room.host_id),
                "capacity": room.capacity,
            },
            "you": {"peer_id": self.peer_id, "user": str(self.user.pk), "role": self.role},
            "peers": [
                {k: v for k, v in p.items() if k != "channel_name"}
                for p in peers
                if p["peer_id"] != self.peer_id
            ],
            "_peers": peers,
            "members": [{**m, "user_id": str(m["user_id"])} for m in members],
            "waiting": [str(m["user_id"]) for m in members if m["state"] == Member.State.WAITING],
            "ice_servers": selectors.ice_servers(self.user),
            "whiteboard": room.whiteboard,
            "pad": {"text": room.pad_text, "version": room.pad_version},
        }

    async def heartbeat(self) -> None:
        if self.attendance_id is not None:
            await database_sync_to_async(services.touch_attendance)(self.attendance_id)

    async def release(self) -> None:
        if getattr(self, "waiting_group", None):
            with contextlib.suppress(Exception):
                await self.channel_layer.group_discard(self.waiting_group, self.channel_name)
        if getattr(self, "attendance_id", None) is None:
            return
        attendance_id, self.attendance_id = self.attendance_id, None
        await database_sync_to_async(services.leave)(attendance_id)
        with contextlib.suppress(Exception):
            await self.broadcast(
                {"type": "peer.left", "peer_id": self.peer_id, "user": str(self.user.pk)}
            )
            await self.channel_layer.group_discard(room_group(self.room.pk), self.channel_name)

    async def broadcast(self, event: dict[str, Any]) -> None:
        await self.channel_layer.group_send(
            room_group(self.room.pk), {"type": "room.event", "event": event}
        )

    # --- client → server -------------------------------------------------------------------
    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        kind = content["type"]
        if kind == "ping":
            await self.heartbeat()
            await self.send_json({"type": "pong"})
            return
        if self.attendance_id is None:
            await self.error("waiting", "Wait until the teacher lets you in.")
            return
        if kind in SIGNALS:
            await self.on_signal(content)
        elif kind in BROADCAST_BY_ANYONE:
            await self.broadcast({"type": kind, "peer_id": self.peer_id, "user": str(self.user.pk)})
        else:
            await super().receive_json(content)

    def handlers(self) -> dict[str, Any]:
        return {
            "hand.raise": self.on_hand,
            "hand.lower": self.on_hand,
            "speaker.set": self.on_speaker,
            "mute": self.on_mute,
            "remove": self.on_remove,
            "admit": self.on_admit,
            "chat": self.on_chat,
            "whiteboard.stroke": self.on_stroke,
            "whiteboard.clear": self.on_clear,
            "pad.update": self.on_pad,
            "recording.request": self.on_recording_request,
            "recording.consent": self.on_recording_consent,
            "recording.saved": self.on_recording_saved,
        }

    async def on_signal(self, content: dict[str, Any]) -> None:
        target = self.peers.get(str(content.get("to")))
        if target is None:
            await self.error("unknown_peer", "That peer is not in this room.")
            return
        payload: dict[str, Any] = {
            k: content[k] for k in ("sdp", "candidate", "kind") if k in content
        }
        await self.channel_layer.send(
            target["channel_name"],
            {
                "type": "room.relay",
                "event": {"type": content["type"], "from": self.peer_id, **payload},
            },
        )

    async def on_hand(self, content: dict[str, Any]) -> None:
        raised = content["type"] == "hand.raise"
        await database_sync_to_async(services.set_hand)(self.room.pk, self.user, raised)
        await self.broadcast({"type": content["type"], "user": str(self.user.pk)})

    async def on_speaker(self, content: dict[str, Any]) -> None:
        speaker = bool(content.get("speaker", True))
        user_id = uuid_field(content, "user")
        await database_sync_to_async(services.set_speaker)(
            self.user, self.room.pk, user_id, speaker
        )
        await self.broadcast(
            {
                "type": "role.changed",
                "user": str(user_id),
                "role": "speaker" if speaker else "listener",
            }
        )

    async def on_mute(self, content: dict[str, Any]) -> None:
        user_id = uuid_field(content, "user")
        await database_sync_to_async(services.mute)(self.user, self.room.pk, user_id)
        await self.broadcast({"type": "muted", "user": str(user_id)})

    async def on_remove(self, content: dict[str, Any]) -> None:
        user_id = uuid_field(content, "user")
        channels = await database_sync_to_async(services.remove)(self.user, self.room.pk, user_id)
        for channel in channels:
            await self.channel_layer.send(channel, {"type": "room.kick"})
        await self.broadcast({"type": "removed", "user": str(user_id)})

    async def on_admit(self, content: dict[str, Any]) -> None:
        learner = uuid_field(content, "user")
        if await database_sync_to_async(services.admit)(self.user, self.room.pk, learner):
            await self.channel_layer.group_send(
                waiting_group(self.room.pk, learner), {"type": "room.admitted"}
            )

    async def on_chat(self, content: dict[str, Any]) -> None:
        text = str(content.get("text") or "").strip()[:MAX_CHAT_CHARS]
        if text:
            await self.broadcast(
                {"type": "chat", "user": str(self.user.pk), "name": self._name(), "text": text}
            )

    async def on_stroke(self, content: dict[str, Any]) -> None:
        stroke = content.get("stroke")
        if not isinstance(stroke, dict):
            await self.error("invalid_stroke", "A stroke is an object.")
            return
        await database_sync_to_async(services.add_stroke)(self.room.pk, stroke)
        await self.broadcast(
            {"type": "whiteboard.stroke", "peer_id": self.peer_id, "stroke": stroke}
        )

    async def on_clear(self, content: dict[str, Any]) -> None:
        await database_sync_to_async(services.clear_board)(self.room.pk)
        await self.broadcast({"type": "whiteboard.clear", "peer_id": self.peer_id})

    async def on_pad(self, content: dict[str, Any]) -> None:
        ok, version, text = await database_sync_to_async(services.update_pad)(
            self.room.pk, str(content.get("text", "")), int_field(content, "base_version")
        )
        if ok:
            await self.broadcast(
                {"type": "pad", "text": text, "version": version, "peer_id": self.peer_id}
            )
        else:
            await self.send_json({"type": "pad.conflict", "text": text, "version": version})

    async def on_recording_request(self, content: dict[str, Any]) -> None:
        selectors.require_host(self.room, self.user)
        await self.broadcast({"type": "recording.consent_request", "by": str(self.user.pk)})

    async def on_recording_consent(self, content: dict[str, Any]) -> None:
        granted = bool(content.get("granted"))
        await database_sync_to_async(services.set_recording_consent)(
            self.room.pk, self.user, granted
        )
        everyone, missing = await database_sync_to_async(services.consent_status)(self.room.pk)
        await self.broadcast(
            {
                "type": "recording.consent",
                "user": str(self.user.pk),
                "granted": granted,
                "everyone": everyone,
                "missing": missing,
            }
        )

    async def on_recording_saved(self, content: dict[str, Any]) -> None:
        """The teacher's page uploaded a recording (REST): everyone's list reloads."""
        selectors.require_host(self.room, self.user)
        if content.get("id") is None:
            return
        recording_id = uuid_field(content, "id")
        exists = await database_sync_to_async(selectors.has_recording)(self.room.pk, recording_id)
        if exists:
            await self.broadcast({"type": "recording.saved", "id": str(recording_id)})

    # --- server → client -------------------------------------------------------------------
    async def room_event(self, message: dict[str, Any]) -> None:
        event = message["event"]
        kind = event.get("type")
        if kind == "peer.joined":
            if event["peer_id"] == getattr(self, "peer_id", None):
                return
            self.peers[event["peer_id"]] = event
            event = {k: v for k, v in event.items() if k != "channel_name"}
        elif kind == "peer.left":
            self.peers.pop(event["peer_id"], None)
            if event["peer_id"] == getattr(self, "peer_id", None):
                return
        elif kind == "waiting.joined" and not selectors.is_host(self.room, self.user):
            return  # only the teacher sees the waiting room
        await self.send_json(event)

    async def room_relay(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])

    async def room_kick(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "removed", "user": str(self.user.pk)})
        await self.close(code=CLOSE_REMOVED)

    async def room_admitted(self, message: dict[str, Any]) -> None:
        if self.attendance_id is not None:
            return
        await self.channel_layer.group_discard(self.waiting_group, self.channel_name)
        self.waiting_group = None
        await self.send_json({"type": "admitted"})
        await self.enter()
