"""Streaming speech recognition through the ML service's ``WS /v1/realtime/transcription``.

The voice tutor's socket consumer opens one stream per learner session, forwards the
microphone's PCM16 frames and reads the service's turn events (speech started / stopped, the
completed transcript with words and pauses). The ML service decides where a turn ends (Silero
VAD and a silence budget per level); this module only carries the protocol and maps every way
the service can be unreachable to ``AIUnavailable``, like ``ai.client`` does for HTTP::

    async with open_speech_stream() as stream:
        await stream.configure(language="en", silence_duration_ms=1200)
        await stream.send_audio(pcm16)
        async for event in stream.events():
            ...

The protocol (events modelled on OpenAI's realtime transcription) is described in the ML
service's OpenAPI description and ``ml/api/realtime.py``.
"""

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from operations import configuration
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from .errors import AIUnavailable

logger = logging.getLogger(__name__)

# Seconds without a keepalive pong before the stream counts as dead (the ML service is
# started with the same --ws-ping-timeout: scripts/run, Dockerfile).
SPEECH_STREAM_PING_TIMEOUT = 60.0

PATH = "/v1/realtime/transcription"
# The service refuses frames over 32 KB (1 s of 16 kHz PCM16); larger buffers are split.
MAX_FRAME_BYTES = 32 * 1024
# Close codes after which the service has already said why in an ``error`` event.
_EXPLAINED_CLOSES = frozenset({1000, 1008})


def _ws_url(base: str) -> str:
    base = base.rstrip("/")
    if base.startswith("https://"):
        return "wss://" + base.removeprefix("https://") + PATH
    if base.startswith("http://"):
        return "ws://" + base.removeprefix("http://") + PATH
    return base + PATH


def _configured_endpoint() -> tuple[str, str]:
    """The ML service's address and key, read in a worker thread of its own (a cache miss
    reads the database), whose connection is closed before the thread is handed back."""
    try:
        return configuration.ml_endpoint()
    finally:
        connection.close()


class SpeechStream:
    """One streaming transcription session (an async context manager)."""

    def __init__(
        self,
        *,
        url: str | None = None,
        api_key: str | None = None,
        open_timeout: float | None = None,
    ) -> None:
        # The service's address and key are read when the stream opens, in a worker thread
        # (the admin's service configuration may need the database), unless given here.
        self._url, self._api_key = url, api_key
        self.url = _ws_url(url) if url else ""
        self.api_key = api_key or ""
        self.open_timeout = open_timeout or settings.AI_CONNECT_TIMEOUT_SECONDS
        self.session: dict[str, Any] = {}  # the service's settings for this stream
        self._ws: ClientConnection | None = None

    @property
    def _socket(self) -> ClientConnection:
        if self._ws is None:
            raise RuntimeError("Use 'async with open_speech_stream() as stream'.")
        return self._ws

    async def __aenter__(self) -> "SpeechStream":
        if not self._url or self._api_key is None:
            configured_url, configured_key = await sync_to_async(
                _configured_endpoint, thread_sensitive=False
            )()
            self.url = _ws_url(self._url or configured_url)
            self.api_key = configured_key if self._api_key is None else self._api_key
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            self._ws = await connect(
                self.url,
                additional_headers=headers,
                open_timeout=self.open_timeout,
                max_size=2**20,
                compression=None,  # PCM doesn't compress; deflate would only cost CPU
                # Keepalive pings find a dead peer; every stage has its own timeout, so a
                # busy peer (both event loops starved on a loaded machine) gets a minute
                # before the stream is dropped instead of websockets' 20 s.
                ping_timeout=SPEECH_STREAM_PING_TIMEOUT,
            )
        except (OSError, TimeoutError, InvalidHandshake, InvalidURI) as exc:
            logger.warning("ML speech stream unreachable: %s", exc)
            raise AIUnavailable() from exc
        # The service's first event confirms the key and the session (4401 closes instead).
        try:
            async with asyncio.timeout(self.open_timeout + 5):
                first = json.loads(await self._ws.recv())
        except (ConnectionClosed, TimeoutError, ValueError) as exc:
            code = getattr(getattr(exc, "rcvd", None), "code", None)
            logger.warning("ML speech stream refused (close code %s): %s", code, exc)
            await self._ws.close()
            raise AIUnavailable() from exc
        if first.get("type") != "transcription_session.created":
            await self._ws.close()
            logger.warning("ML speech stream answered %r first", first.get("type"))
            raise AIUnavailable()
        self.session = first.get("session") or {}
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    async def _send(self, message: str | bytes) -> None:
        try:
            await self._socket.send(message)
        except ConnectionClosed as exc:
            logger.warning("ML speech stream lost while sending: %s", exc)
            raise AIUnavailable() from exc

    async def _send_event(self, event: dict[str, Any]) -> None:
        await self._send(json.dumps(event))

    async def configure(
        self, *, language: str, silence_duration_ms: int, min_speech_ms: int | None = None
    ) -> None:
        """Set the language (its Whisper model) and the silence that ends a turn. The service
        answers ``transcription_session.updated``, or ``error`` for a bad value."""
        session: dict[str, Any] = {
            "language": language,
            "silence_duration_ms": silence_duration_ms,
            "sample_rate": 16_000,
        }
        if min_speech_ms is not None:
            session["min_speech_ms"] = min_speech_ms
        await self._send_event({"type": "transcription_session.update", "session": session})

    async def send_audio(self, pcm16: bytes) -> None:
        """16 kHz 16-bit little-endian mono PCM, any length (sent in frames of ≤ 32 KB)."""
        for start in range(0, len(pcm16), MAX_FRAME_BYTES):
            await self._send(pcm16[start : start + MAX_FRAME_BYTES])

    async def commit(self) -> None:
        """End the current turn now (push-to-talk released)."""
        await self._send_event({"type": "input_audio_buffer.commit"})

    async def clear(self) -> None:
        """Drop the audio buffered so far (e.g. the tutor is speaking)."""
        await self._send_event({"type": "input_audio_buffer.clear"})

    def events(self) -> AsyncIterator[dict[str, Any]]:
        """The service's events as dicts, until the stream is closed. A connection lost
        without an explanation raises ``AIUnavailable``."""
        return self._events()

    async def _events(self) -> AsyncIterator[dict[str, Any]]:
        socket = self._socket
        try:
            async for message in socket:
                if isinstance(message, str):
                    event = json.loads(message)
                    if isinstance(event, dict):
                        yield event
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd is not None else None
            if code in _EXPLAINED_CLOSES:
                return
            logger.warning("ML speech stream lost (close code %s): %s", code, exc)
            raise AIUnavailable() from exc


def open_speech_stream(**kwargs: Any) -> SpeechStream:
    """A new stream to the configured ML service (``ML_URL``, ``ML_API_KEY`` as the admin's
    service configuration or the settings give them, like ``ai.client``); keyword arguments
    override ``url``, ``api_key`` and ``open_timeout``."""
    return SpeechStream(**kwargs)
