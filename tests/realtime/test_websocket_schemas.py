"""docs/api/websocket-messages.schema.json is what native clients decode socket frames with:
real frames from the chat and notifications sockets (over the real ASGI app and Redis channel
layer) must each match exactly one of that socket's documented server frames, and the frames a
client sends here match the documented client frames."""

import json
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from jsonschema import Draft202012Validator

from core.testing.websockets import connect
from messaging import services as messaging
from notifications import services as notifications
from realtime.testing import drain, receive_until

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

    routed = {"/" + str(pattern.pattern) for pattern in websocket_urlpatterns}
    assert set(SCHEMA["x-sockets"]) <= routed


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


def test_the_schema_rejects_a_frame_that_breaks_it() -> None:
    judge = validator("/ws/chat/", "server")
    assert not judge.is_valid({"type": "message.ack", "client_id": "c"})  # fields missing
    assert not judge.is_valid({"type": "nobody.knows"})
