"""ai.speech_stream against the real ML service served on loopback: real espeak-ng speech in,
turn events out; a service that is down, refuses the key or dies mid-stream is AIUnavailable."""

import asyncio
import functools
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from asgiref.sync import async_to_sync

from ai.errors import AIUnavailable
from ai.speech_stream import MAX_FRAME_BYTES, open_speech_stream
from core.testing.services import free_port

# A stream reads the ML service's address from the service configuration when it opens.
pytestmark = pytest.mark.django_db

RATE = 16_000
COMPLETED = "conversation.item.input_audio_transcription.completed"


@functools.cache
def speech(text: str) -> bytes:
    """espeak-ng speech as 16 kHz PCM16 LE mono (silence trimmed)."""
    with tempfile.TemporaryDirectory() as folder:
        wav, raw = Path(folder) / "s.wav", Path(folder) / "s.raw"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(wav), text], check=True)
        subprocess.run(
            ["sox", str(wav), "-r", str(RATE), "-b", "16", "-c", "1", "-e", "signed-integer",
             "-t", "raw", str(raw),
             "silence", "1", "0.02", "0.5%", "reverse", "silence", "1", "0.02", "0.5%", "reverse"],
            check=True,
        )  # fmt: skip
        return raw.read_bytes()


def silence(seconds: float) -> bytes:
    return bytes(int(seconds * RATE) * 2)


async def collect_until(stream: Any, kind: str, timeout: float = 60) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    async with asyncio.timeout(timeout):
        async for event in stream.events():
            seen.append(event)
            if event["type"] == kind:
                return seen
    raise AssertionError(f"the stream ended before {kind}: {seen}")


class Server:
    """A separately configured ML app on loopback (a key of its own, or one to stop)."""

    def __init__(self, api_key: str = "") -> None:
        from ml.main import create_app
        from ml.settings import Settings

        self.port = free_port()
        app = create_app(Settings(api_key=api_key, log_level="WARNING"))
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        self.thread.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("the ML service did not start")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def keyed_ml() -> Iterator[Server]:
    server = Server(api_key="stream-key").start()
    yield server
    server.stop()


async def test_speech_in_turn_events_out(live_ml: str) -> None:
    async with open_speech_stream() as stream:
        assert stream.session["model"] == "tiny.en"
        await stream.configure(language="en", silence_duration_ms=800)
        pcm = silence(0.4) + speech("Where is the train station?") + silence(1.2)
        for start in range(0, len(pcm), 640):  # 20 ms frames, as the browser sends them
            await stream.send_audio(pcm[start : start + 640])
        events = await collect_until(stream, COMPLETED)
    kinds = [event["type"] for event in events]
    assert kinds == [
        "transcription_session.updated",
        "input_audio_buffer.speech_started",
        "input_audio_buffer.speech_stopped",
        COMPLETED,
    ]
    assert events[0]["session"]["silence_duration_ms"] == 800
    completed = events[-1]
    assert {"train", "station"} <= {w.strip("?.,").lower() for w in completed["transcript"].split()}
    assert completed["words"] and all(0 < w["probability"] <= 1 for w in completed["words"])


async def test_a_long_buffer_is_split_into_frames_and_commit_ends_the_turn(live_ml: str) -> None:
    pcm = silence(0.3) + speech("I would like a cup of tea, please.")
    assert len(pcm) > 2 * MAX_FRAME_BYTES  # one call, several frames
    async with open_speech_stream() as stream:
        await stream.send_audio(pcm)
        await stream.commit()
        events = await collect_until(stream, COMPLETED)
    assert "error" not in [event["type"] for event in events]
    assert events[-1]["end_reason"] == "commit"
    assert "tea" in events[-1]["transcript"].lower()


async def test_clear_drops_what_was_said(live_ml: str) -> None:
    async with open_speech_stream() as stream:
        await stream.send_audio(silence(0.3) + speech("The weather is cold and rainy today."))
        await stream.clear()
        await stream.send_audio(silence(1.5) + speech("Thank you very much.") + silence(1.5))
        events = await collect_until(stream, COMPLETED)
    assert "input_audio_buffer.cleared" in [event["type"] for event in events]
    transcript = events[-1]["transcript"].lower()
    assert "thank" in transcript and "weather" not in transcript


async def test_a_bad_setting_is_an_error_event_and_the_stream_goes_on(live_ml: str) -> None:
    async with open_speech_stream() as stream:
        await stream.configure(language="en", silence_duration_ms=10)
        error = (await collect_until(stream, "error"))[-1]
        assert error["error"]["code"] == "invalid_session_config"
        await stream.configure(language="en", silence_duration_ms=1200)
        updated = (await collect_until(stream, "transcription_session.updated"))[-1]
        assert updated["session"]["silence_duration_ms"] == 1200


async def test_service_down_is_ai_unavailable(ml_down: str) -> None:
    with pytest.raises(AIUnavailable):
        async with open_speech_stream():
            pass


async def test_the_service_key_is_sent_and_a_wrong_one_is_ai_unavailable(
    keyed_ml: Server,
) -> None:
    async with open_speech_stream(url=keyed_ml.url, api_key="stream-key") as stream:
        assert stream.session["language"] == "en"
    with pytest.raises(AIUnavailable):
        async with open_speech_stream(url=keyed_ml.url, api_key="wrong"):
            pass


@pytest.mark.django_db(transaction=True)  # the stream reads it from a thread of its own
def test_the_ml_address_and_key_saved_in_the_admin_reach_the_stream(  # type: ignore[no-untyped-def]
    keyed_ml: Server, client, admin, settings, monkeypatch
) -> None:
    """Like ai.client's HTTP calls, a stream goes to the ML service the admin configured,
    not to the address in the settings (nothing listens there)."""
    for name in ("ML_URL", "ML_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    settings.ML_URL, settings.ML_API_KEY = f"http://127.0.0.1:{free_port()}", ""
    client.force_login(admin)
    response = client.post(
        "/admin/service-configuration/", {"ML_URL": keyed_ml.url, "ML_API_KEY": "stream-key"}
    )
    assert response.status_code == 302

    async def open_default() -> tuple[str, dict[str, Any]]:
        async with open_speech_stream() as stream:
            return stream.url, stream.session

    url, session = async_to_sync(open_default)()
    assert url == f"ws://127.0.0.1:{keyed_ml.port}/v1/realtime/transcription"
    assert session["language"] == "en"  # the service accepted the configured key


async def test_the_service_going_away_mid_stream_is_ai_unavailable() -> None:
    server = Server().start()
    try:
        async with open_speech_stream(url=server.url, api_key="") as stream:
            await stream.send_audio(silence(0.5))
            await asyncio.to_thread(server.stop)
            with pytest.raises(AIUnavailable):
                async with asyncio.timeout(20):
                    async for _event in stream.events():
                        pass
            with pytest.raises(AIUnavailable):
                await stream.send_audio(silence(0.1))
    finally:
        server.stop()
