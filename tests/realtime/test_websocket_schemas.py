"""docs/api/websocket-messages.schema.json is what native clients decode socket frames with:
real frames from the chat, notifications, room and matchmaking sockets (over the real ASGI app and Redis
channel layer) must each match exactly one of that socket's documented server frames, and the
frames a client sends here match the documented client frames. The voice tutor's socket:
tests/platform/voice_tutor/test_socket_schema.py."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings
from jsonschema import Draft202012Validator

from core.testing.websockets import connect
from messaging import services as messaging
from notifications import services as notifications
from realtime.testing import assert_frames_match_schema, drain, receive_until
from rooms import services as rooms

pytestmark = pytest.mark.django_db(transaction=True)
SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs/api/websocket-messages.schema.json").read_text()
)


def validator(socket: str, side: str) -> Draft202012Validator:
    Draft202012Validator.check_schema(SCHEMA)
    return Draft202012Validator({**SCHEMA, **SCHEMA["x-sockets"][socket][side]})


def check(socket: str, side: str, frames: list[dict[str, Any]]) -> None:
    judge = validator(socket, side)
    for frame in frames:
        errors = list(judge.iter_errors(frame))
        assert not errors, (frame, [error.message for error in errors][:3])


def test_every_documented_socket_is_routed() -> None:
    from realtime.routing import websocket_urlpatterns

    # Django's converters (<uuid:room_id>) are written as OpenAPI path parameters ({room_id}).
    routed = {
        "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", str(pattern.pattern))
        for pattern in websocket_urlpatterns
    }
    assert set(SCHEMA["x-sockets"]) == routed - {"/ws/echo/"}


async def test_chat_frames_match_the_schema(student: Any, other_student: Any) -> None:
    conversation, _ = await sync_to_async(messaging.start_conversation)(student, [other_student])
    sam = await connect("/ws/chat/", user=student)
    lena = await connect("/ws/chat/", user=other_student)
    frames = [*await drain(sam), *await drain(lena)]
    sent = [
        {
            "type": "message.send",
            "conversation": str(conversation.pk),
            "client_id": "c-1",
            "body": "¡Hola!",
        },
        {"type": "typing", "conversation": str(conversation.pk)},
        {"type": "read", "conversation": str(conversation.pk), "seq": 1},
        {"type": "resume", "conversations": {str(conversation.pk): 0}},
        {"type": "ping"},
        {"type": "no.such.thing"},
    ]
    check("/ws/chat/", "client", sent[:-1])
    await sam.send_json_to(sent[0])
    frames.append(await receive_until(sam, "message.ack"))
    frames.append(await receive_until(lena, "message.new"))
    await lena.send_json_to(sent[1])
    frames.append(await receive_until(sam, "typing"))
    await lena.send_json_to(sent[2])
    await sam.send_json_to(sent[3])
    frames.append(await receive_until(sam, "resume.done"))
    await sam.send_json_to(sent[4])
    frames.append(await receive_until(sam, "pong"))
    await sam.send_json_to(sent[5])
    frames.append(await receive_until(sam, "error"))
    frames.extend(await drain(sam))
    types = {frame["type"] for frame in frames}
    assert {
        "hello",
        "message.ack",
        "message.new",
        "typing",
        "resume.done",
        "pong",
        "error",
    } <= types
    check("/ws/chat/", "server", frames)
    await sam.disconnect()
    await lena.disconnect()


async def test_notification_frames_match_the_schema(student: Any) -> None:
    bell = await connect("/ws/notifications/", user=student)
    frames = await drain(bell)
    await sync_to_async(notifications.notify)(student, "system", "Welcome", "Hello", {"a": 1})
    frames.append(await receive_until(bell, "notification.new"))
    frames.extend(await drain(bell))
    assert {"unread_count", "notification.new"} <= {frame["type"] for frame in frames}
    check("/ws/notifications/", "server", frames)
    await bell.disconnect()


async def _until(socket: Any, type_: str, frames: list[dict[str, Any]]) -> dict[str, Any]:
    """The next frame of ``type_``, keeping every frame received on the way."""
    for _ in range(20):
        frame = await socket.receive_json_from(timeout=10)
        frames.append(frame)
        if frame["type"] == type_:
            return frame
    raise AssertionError(f"no {type_} frame")


@override_settings(MATCHMAKING_TIMEOUT_SECONDS=1)
async def test_match_frames_match_the_schema(
    student: Any, other_student: Any, teacher: Any
) -> None:
    """Two learners paired (waiting, then found), a third alone (waiting, then none after the
    timeout), a cancel, a keep-alive and an unknown frame: every frame as documented."""
    find = {"type": "match.find", "language": "es", "level": "A2"}
    sent = [find, {"type": "match.cancel"}, {"type": "ping"}]
    assert_frames_match_schema("/ws/match/", "client", sent)
    frames: list[dict[str, Any]] = []
    sam = await connect("/ws/match/", user=student)
    lena = await connect("/ws/match/", user=other_student)
    await sam.send_json_to(find)
    await _until(sam, "match.waiting", frames)
    await lena.send_json_to(find)
    found = [await _until(sam, "match.found", frames), await _until(lena, "match.found", frames)]
    assert found[0]["room"] == found[1]["room"]
    alone = await connect("/ws/match/", user=teacher)
    await alone.send_json_to({"type": "ping"})
    await _until(alone, "pong", frames)
    await alone.send_json_to({"type": "no.such.thing"})
    await _until(alone, "error", frames)
    await alone.send_json_to({**find, "language": "fr"})
    await _until(alone, "match.waiting", frames)
    await alone.send_json_to({"type": "match.cancel"})
    await _until(alone, "match.cancelled", frames)
    await alone.send_json_to({**find, "language": "fr"})
    await _until(alone, "match.none", frames)
    types = {frame["type"] for frame in frames}
    assert types == {"match.waiting", "match.found", "pong", "error", "match.cancelled",
                     "match.none"}  # fmt: skip
    assert_frames_match_schema("/ws/match/", "server", frames)
    for socket in (sam, lena, alone):
        await socket.disconnect()


def test_the_schema_rejects_a_frame_that_breaks_it() -> None:
    judge = validator("/ws/chat/", "server")
    assert not judge.is_valid({"type": "message.ack", "client_id": "c"})  # fields missing
    assert not judge.is_valid({"type": "nobody.knows"})


async def test_room_frames_match_the_schema(teacher: Any, student: Any, other_student: Any) -> None:
    """A classroom (waiting room, admit, signalling, board, pad, screen, recording consent)
    and a voice room (hands, speakers, mute, chat, removal): every frame both ways."""
    sent: list[dict[str, Any]] = []
    received: list[dict[str, Any]] = []

    async def send(socket: Any, frame: dict[str, Any]) -> None:
        sent.append(frame)
        await socket.send_json_to(frame)

    async def until(socket: Any, type_: str) -> dict[str, Any]:
        while True:
            frame = await socket.receive_json_from(timeout=5)
            received.append(frame)
            if frame["type"] == type_:
                return frame

    room = await sync_to_async(rooms.create_classroom)(teacher, [student], topic="Spanish A2")
    path = f"/ws/rooms/{room.pk}/"
    learner = await connect(path, user=student)
    await until(learner, "waiting")
    await send(learner, {"type": "chat", "text": "hola"})
    assert (await until(learner, "error"))["code"] == "waiting"
    host = await connect(path, user=teacher)
    await until(host, "room.state")
    await send(host, {"type": "admit", "user": str(student.pk)})
    await until(learner, "admitted")
    state = await until(learner, "room.state")
    joined = await until(host, "peer.joined")
    await send(host, {"type": "offer", "to": joined["peer_id"], "kind": "camera",
                      "sdp": {"type": "offer", "sdp": "v=0"}})  # fmt: skip
    assert (await until(learner, "offer"))["from"] == state["peers"][0]["peer_id"]
    await send(learner, {"type": "answer", "to": state["peers"][0]["peer_id"],
                         "sdp": {"type": "answer", "sdp": "v=0"}})  # fmt: skip
    await until(host, "answer")
    await send(learner, {"type": "ice", "to": state["peers"][0]["peer_id"], "candidate": None})
    await until(host, "ice")
    await send(host, {"type": "whiteboard.stroke", "stroke": {"points": [[0, 0], [5, 5]]}})
    await until(learner, "whiteboard.stroke")
    await send(host, {"type": "whiteboard.clear"})
    await until(learner, "whiteboard.clear")
    await send(learner, {"type": "pad.update", "text": "ser / estar", "base_version": 0})
    await until(host, "pad")
    await send(host, {"type": "pad.update", "text": "old", "base_version": 0})
    await until(host, "pad.conflict")
    await send(learner, {"type": "screen.start"})
    await until(host, "screen.start")
    await send(learner, {"type": "screen.stop"})
    await until(host, "screen.stop")
    await send(host, {"type": "recording.request"})
    await until(learner, "recording.consent_request")
    await send(learner, {"type": "recording.consent", "granted": True})
    await until(host, "recording.consent")
    await send(learner, {"type": "ping"})
    await until(learner, "pong")
    await send(learner, {"type": "no.such.thing"})
    assert (await until(learner, "error"))["code"] == "unknown_type"
    received.extend([*await drain(learner), *await drain(host)])
    await learner.disconnect()
    await until(host, "peer.left")
    await host.disconnect()

    voice = await sync_to_async(rooms.create_voice_room)(student, "Small talk", "en")
    path = f"/ws/rooms/{voice.pk}/"
    owner = await connect(path, user=student)
    await until(owner, "room.state")
    guest = await connect(path, user=other_student)
    await until(guest, "room.state")
    await send(guest, {"type": "hand.raise"})
    await until(owner, "hand.raise")
    await send(guest, {"type": "hand.lower"})
    await until(owner, "hand.lower")
    await send(owner, {"type": "speaker.set", "user": str(other_student.pk), "speaker": True})
    await until(guest, "role.changed")
    await send(owner, {"type": "mute", "user": str(other_student.pk)})
    await until(guest, "muted")
    await send(guest, {"type": "chat", "text": "Hi all"})
    await until(owner, "chat")
    await send(owner, {"type": "remove", "user": str(other_student.pk)})
    await until(guest, "removed")
    received.extend(await drain(owner))
    await owner.disconnect()

    kinds = {frame["type"] for frame in received}
    assert {
        "waiting", "admitted", "room.state", "peer.joined", "peer.left", "offer", "answer",
        "ice", "whiteboard.stroke", "whiteboard.clear", "pad", "pad.conflict", "screen.start",
        "screen.stop", "recording.consent_request", "recording.consent", "hand.raise",
        "hand.lower", "role.changed", "muted", "removed", "chat", "pong", "error",
    } <= kinds, kinds  # fmt: skip
    socket = "/ws/rooms/{room_id}/"
    assert_frames_match_schema(socket, "client", [f for f in sent if f["type"] != "no.such.thing"])
    assert_frames_match_schema(socket, "server", received)
    # And the room schema is not a rubber stamp.
    judge = validator(socket, "server")
    assert not judge.is_valid({"type": "room.state", "room": {}})
    assert not judge.is_valid({"type": "pad", "text": "x"})
    assert not validator(socket, "client").is_valid({"type": "offer", "sdp": {}})  # no "to"
