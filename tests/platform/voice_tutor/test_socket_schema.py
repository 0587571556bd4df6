"""The voice tutor's socket (/ws/tutor/) answers what docs/api/websocket-messages.schema.json
documents: a guided session by text with speech out (the real ML service synthesises it), over
the real ASGI application and Redis; every frame received and sent is checked against the
schema. Spoken turns (speech.started / speech.stopped / transcript.user from audio) are checked
in test_socket.py's spoken turn."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from core.testing.websockets import connect
from realtime.testing import assert_frames_match_schema, drain

pytestmark = pytest.mark.django_db(transaction=True)
SOCKET = "/ws/tutor/"


@pytest.fixture(autouse=True)
def _fresh_channel_layer() -> Iterator[None]:
    """A new channel layer object per test (its Redis connections belong to one loop)."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _migrated_rows(transactional_db: None) -> None:
    """Rows of data migrations a transactional flush removes: locales and the tutor's price."""
    from wagtail.models import Locale

    from voice_tutor.demo import ensure_price

    for code in ("en", "es"):
        Locale.objects.get_or_create(language_code=code)
    ensure_price()


async def test_a_guided_session_with_speech_matches_the_schema(
    learner: Any, avatar: Any, practice: Any, guided: None, live_ml: str
) -> None:
    sent: list[dict[str, Any]] = []
    received: list[dict[str, Any]] = []

    async def send(socket: Any, frame: dict[str, Any]) -> None:
        sent.append(frame)
        await socket.send_json_to(frame)

    async def until(socket: Any, type_: str) -> dict[str, Any]:
        while True:
            frame = await socket.receive_json_from(timeout=60)
            received.append(frame)
            if frame["type"] == type_:
                return frame

    socket = await connect(SOCKET, user=learner)
    await send(socket, {"type": "input_text", "text": "Hello"})
    assert (await until(socket, "error"))["code"] == "no_session"
    await send(socket, {"type": "session.start", "avatar": avatar.pk, "context": practice.pk,
                        "audio_out": True, "sample_rate": 16000})  # fmt: skip
    started = await until(socket, "session.started")
    assert started["mode"] == "guided" and started["settings"]["audio_out"] is True
    await until(socket, "response.done")
    await send(socket, {"type": "playback.done"})
    await send(socket, {"type": "input_text", "text": "Here is my passport."})
    await until(socket, "response.done")
    await send(socket, {"type": "ping"})
    await until(socket, "pong")
    await send(socket, {"type": "session.end"})
    ended = await until(socket, "session.ended")
    assert ended["reason"] == "learner"
    received.extend(await drain(socket))
    await socket.disconnect()

    kinds = {frame["type"] for frame in received}
    assert {
        "error", "session.started", "state", "transcript.user", "transcript.tutor", "audio",
        "response.done", "pong", "session.ended",
    } <= kinds, kinds  # fmt: skip
    assert any("delta" in f for f in received if f["type"] == "transcript.tutor")
    audio = next(f for f in received if f["type"] == "audio")
    assert base64.b64decode(audio["data"]) and audio["text"]
    assert_frames_match_schema(SOCKET, "server", received)
    # The client frames this test sent, and those it did not need (audio by JSON, turn ends,
    # barge-in): all documented.
    silence = base64.b64encode(b"\x00\x00" * 160).decode()
    assert_frames_match_schema(
        SOCKET,
        "client",
        [
            *sent,
            {"type": "input_audio.append", "audio": silence},
            {"type": "input_audio.commit"},
            {"type": "input_audio.clear"},
            {"type": "response.cancel", "heard_text": "Good morning"},
            {"type": "session.start", "session": started["session"]},
        ],
    )
    with pytest.raises(AssertionError):
        assert_frames_match_schema(SOCKET, "server", [{"type": "audio", "format": "mp3"}])
    with pytest.raises(AssertionError):
        assert_frames_match_schema(SOCKET, "client", [{"type": "input_text"}])
