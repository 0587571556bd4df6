"""``WS /v1/realtime/transcription``: streaming speech in, end-of-turn transcripts out.

Modelled on OpenAI's realtime transcription events. The client streams 16-bit little-endian
mono PCM (binary frames, or ``input_audio_buffer.append`` with base64); the server runs Silero
VAD on every 32 ms window, says when speech starts and stops, and at the end of each turn
transcribes it with the Whisper model for the session's language (on the speech-to-text
engine's worker pool, so the event loop never waits for a model). See the module docstring of
``ml.realtime`` for the turn rule and ``docs/decisions.md`` for why the server decides turns.

Client → server (JSON text frames, except audio):

* ``{"type": "transcription_session.update", "session": {"language": "en",
  "silence_duration_ms": 1200, "min_speech_ms": 250, "sample_rate": 16000}}``
* binary frame: PCM16 LE mono at the session's sample rate, at most 32 KB
* ``{"type": "input_audio_buffer.append", "audio": "<base64 pcm16>"}``
* ``{"type": "input_audio_buffer.commit"}``: end the turn now (push-to-talk release)
* ``{"type": "input_audio_buffer.clear"}``: drop the buffered audio (e.g. while the tutor
  speaks)

Server → client:

* ``transcription_session.created`` / ``transcription_session.updated`` ``{session}``
* ``input_audio_buffer.speech_started`` ``{audio_start_ms}``
* ``input_audio_buffer.speech_stopped`` ``{audio_end_ms}``
* ``input_audio_buffer.committed`` (after a commit that ended a turn) and
  ``input_audio_buffer.cleared``
* ``conversation.item.input_audio_transcription.completed`` ``{transcript, language,
  duration, words: [{word, start, end, probability}], pauses: [{start, end}], speech_ms,
  audio_start_ms, audio_end_ms}`` (word and pause times in seconds from the turn's audio)
* ``conversation.item.input_audio_transcription.ignored`` ``{reason, transcript}``: the turn
  held only hesitation sounds ("uhm", "eh", "este" …) or no words: no completed event, the
  server keeps listening
* ``error`` ``{error: {type, code, message}}``: bad JSON, unknown type, bad audio, a frame
  over 32 KB, bad settings, a busy engine. The socket stays open.

Authentication: the service's API key as ``Authorization: Bearer <key>`` or ``?key=<key>``
(browsers can't set headers on a WebSocket). Without it, when a key is configured, the socket
is accepted and closed at once with code 4401. A session lasts at most 30 minutes (then
``error`` ``session_expired`` and close code 1008); a turn at most 60 s of audio.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import functools
import hmac
import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, WebSocket
from starlette.websockets import WebSocketDisconnect, WebSocketState

from ml.audio import DecodedAudio
from ml.container import Engines
from ml.engines.stt import Transcript
from ml.errors import ServiceError
from ml.observability import REALTIME_SESSIONS, REALTIME_TURNS
from ml.realtime import (
    SAMPLE_RATE,
    Event,
    SpeechStarted,
    SpeechStopped,
    StreamingVAD,
    Tentative,
    Turn,
    TurnDetector,
    only_fillers,
    vad_model,
)

router = APIRouter(tags=["realtime"])
logger = logging.getLogger("ml.realtime")

MAX_FRAME_BYTES = 32 * 1024
MAX_TURN_SECONDS = 60.0
MAX_SESSION_SECONDS = 30 * 60.0
SATURATED_WAIT_SECONDS = 20.0
UNAUTHORIZED = 4401
POLICY_VIOLATION = 1008


@dataclass
class _QueuedTurn:
    turn: Turn
    config: SessionConfig
    model: str
    early: asyncio.Future[Transcript] | None  # Whisper already started on this very audio


class ProtocolError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class SessionConfig:
    language: str = "en"
    silence_duration_ms: int = 1200
    min_speech_ms: int = 250
    sample_rate: int = SAMPLE_RATE

    def as_dict(self, model: str) -> dict[str, Any]:
        return {
            "language": self.language,
            "silence_duration_ms": self.silence_duration_ms,
            "min_speech_ms": self.min_speech_ms,
            "sample_rate": self.sample_rate,
            "model": model,
            "audio_format": "pcm16",
        }


def _int_field(session: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = session.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ProtocolError(
            "invalid_session_config", f"session.{name} must be an integer from {low} to {high}."
        )
    return value


def parse_session(session: Any, current: SessionConfig) -> SessionConfig:
    if not isinstance(session, dict):
        raise ProtocolError("invalid_session_config", "session must be an object.")
    language = session.get("language", current.language)
    if (
        not isinstance(language, str)
        or not 2 <= len(language) <= 12
        or not language.replace("-", "").replace("_", "").isalpha()
    ):
        raise ProtocolError("invalid_session_config", "session.language must be a language code.")
    sample_rate = session.get("sample_rate", current.sample_rate)
    if sample_rate != SAMPLE_RATE:
        raise ProtocolError(
            "invalid_session_config", f"session.sample_rate must be {SAMPLE_RATE} (PCM16 mono)."
        )
    return SessionConfig(
        language=language,
        silence_duration_ms=_int_field(
            session, "silence_duration_ms", current.silence_duration_ms, 200, 5000
        ),
        min_speech_ms=_int_field(session, "min_speech_ms", current.min_speech_ms, 32, 2000),
        sample_rate=sample_rate,
    )


def _authorized(websocket: WebSocket, expected: str) -> bool:
    if not expected:
        return True
    scheme, _, token = websocket.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(token.strip(), expected):
        return True
    key = websocket.query_params.get("key", "")
    return bool(key) and hmac.compare_digest(key, expected)


class TranscriptionSession:
    """One connection: the receive loop runs VAD inline (≈0.1 ms per 32 ms window); finished
    turns go through a queue to one transcriber task, so turns complete in order and the
    socket keeps listening while Whisper works."""

    def __init__(self, websocket: WebSocket, engines: Engines) -> None:
        self.websocket = websocket
        self.engines = engines
        self.config = SessionConfig()
        self.model = engines.stt.resolve_model(None, self.config.language)
        # The VAD model is loaded (off the event loop) before a session is made.
        self.detector = self._new_detector()
        self.turns: asyncio.Queue[_QueuedTurn | None] = asyncio.Queue()
        # Whisper started on the silence's tentative turn: (its key, the job).
        self._early: tuple[tuple[int, int, str, str], asyncio.Future[Transcript]] | None = None
        self._send_lock = asyncio.Lock()
        self._started = time.monotonic()

    async def send(self, event: dict[str, Any]) -> None:
        async with self._send_lock:
            if self.websocket.application_state != WebSocketState.CONNECTED:
                return
            try:
                await self.websocket.send_text(json.dumps(event, ensure_ascii=False))
            except (WebSocketDisconnect, RuntimeError, OSError):
                # The client went away mid-send: the receive loop sees the disconnect next.
                logger.debug("realtime client gone before an event could be sent")

    async def error(self, code: str, message: str) -> None:
        await self.send(
            {
                "type": "error",
                "error": {"type": "invalid_request_error", "code": code, "message": message},
            }
        )

    def _new_detector(self) -> TurnDetector:
        return TurnDetector(
            silence_duration_ms=self.config.silence_duration_ms,
            min_speech_ms=self.config.min_speech_ms,
            max_turn_seconds=MAX_TURN_SECONDS,
            vad=StreamingVAD(vad_model()),
        )

    async def run(self) -> None:
        await self.send(
            {"type": "transcription_session.created", "session": self.config.as_dict(self.model)}
        )
        worker = asyncio.create_task(self._transcriber())
        REALTIME_SESSIONS.inc()
        try:
            await self._receive_loop()
        finally:
            REALTIME_SESSIONS.dec()
            await self.turns.put(None)
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await worker

    async def _receive_loop(self) -> None:
        while True:
            remaining = MAX_SESSION_SECONDS - (time.monotonic() - self._started)
            try:
                message = await asyncio.wait_for(self.websocket.receive(), max(remaining, 0.001))
            except TimeoutError:
                message = None
            if message is None or time.monotonic() - self._started >= MAX_SESSION_SECONDS:
                await self.error(
                    "session_expired",
                    f"A transcription session lasts at most {MAX_SESSION_SECONDS / 60:g} minutes.",
                )
                await self.websocket.close(POLICY_VIOLATION)
                return
            if message["type"] == "websocket.disconnect":
                return
            try:
                if message.get("bytes") is not None:
                    await self._audio(message["bytes"])
                elif message.get("text") is not None:
                    await self._command(message["text"])
            except ProtocolError as problem:
                await self.error(problem.code, problem.message)

    async def _audio(self, data: bytes) -> None:
        if len(data) > MAX_FRAME_BYTES:
            raise ProtocolError(
                "frame_too_large",
                f"An audio frame is at most {MAX_FRAME_BYTES} bytes "
                f"({MAX_FRAME_BYTES // 32} ms of 16 kHz PCM16); this one was {len(data)}.",
            )
        if len(data) % 2:
            raise ProtocolError(
                "invalid_audio", "Audio must be 16-bit PCM: an even number of bytes."
            )
        await self._handle(self.detector.feed(data))

    async def _command(self, text: str) -> None:
        if len(text) > MAX_FRAME_BYTES * 2:
            raise ProtocolError("frame_too_large", "The message is too large.")
        try:
            event = json.loads(text)
        except (ValueError, RecursionError):
            raise ProtocolError("invalid_json", "The message is not valid JSON.") from None
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise ProtocolError("invalid_event", "A message is a JSON object with a 'type'.")
        kind = event["type"]
        if kind == "input_audio_buffer.append":
            audio = event.get("audio")
            if not isinstance(audio, str):
                raise ProtocolError("invalid_audio", "'audio' must be base64-encoded PCM16.")
            try:
                data = base64.b64decode(audio, validate=True)
            except (binascii.Error, ValueError):
                raise ProtocolError("invalid_audio", "'audio' is not valid base64.") from None
            await self._audio(data)
        elif kind == "input_audio_buffer.commit":
            events = self.detector.commit()
            if not events:
                raise ProtocolError(
                    "input_audio_buffer_commit_empty",
                    "No speech is buffered: there is nothing to commit.",
                )
            await self._handle(events)
            await self.send({"type": "input_audio_buffer.committed"})
        elif kind == "input_audio_buffer.clear":
            self.detector.clear()
            self._early = None
            await self.send({"type": "input_audio_buffer.cleared"})
        elif kind == "transcription_session.update":
            config = parse_session(event.get("session"), self.config)
            try:
                model = self.engines.stt.resolve_model(None, config.language)
            except ServiceError as problem:
                raise ProtocolError("invalid_session_config", problem.message) from None
            self.config, self.model = config, model
            self.detector.configure(
                silence_duration_ms=config.silence_duration_ms,
                min_speech_ms=config.min_speech_ms,
                max_turn_seconds=MAX_TURN_SECONDS,
            )
            await self.send(
                {"type": "transcription_session.updated", "session": config.as_dict(model)}
            )
        else:
            raise ProtocolError("unknown_event", f"Unknown message type {kind[:64]!r}.")

    def _key(self, turn: Turn) -> tuple[int, int, str, str]:
        return (turn.audio_start_ms, len(turn.samples), self.model, self.config.language)

    def _transcription(
        self, turn: Turn, config: SessionConfig, model: str
    ) -> asyncio.Task[Transcript]:
        job = functools.partial(
            self.engines.stt.transcribe,
            DecodedAudio(turn.samples),
            model=model,
            language=config.language,
            word_timestamps=True,
        )
        task = asyncio.ensure_future(self._run_stt(job))
        # An early job that is superseded is never awaited: its outcome is dropped quietly.
        task.add_done_callback(lambda done: done.cancelled() or done.exception())
        return task

    async def _handle(self, events: list[Event]) -> None:
        for event in events:
            if isinstance(event, Tentative):
                # Transcribe during the rest of the silence budget; a later tentative (the
                # learner spoke again) replaces it, the final turn uses it if it is the same.
                # Only on an idle engine: a guess must not delay other learners' real turns.
                self._early = None
                if self.engines.gates["stt"].has_idle_worker:
                    self._early = (
                        self._key(event.turn),
                        self._transcription(event.turn, self.config, self.model),
                    )
            elif isinstance(event, SpeechStarted):
                await self.send(
                    {
                        "type": "input_audio_buffer.speech_started",
                        "audio_start_ms": event.audio_start_ms,
                    }
                )
            elif isinstance(event, SpeechStopped):
                await self.send(
                    {
                        "type": "input_audio_buffer.speech_stopped",
                        "audio_end_ms": event.audio_end_ms,
                    }
                )
            else:
                early = None
                if self._early is not None and self._early[0] == self._key(event):
                    early = self._early[1]
                self._early = None
                await self.turns.put(_QueuedTurn(event, self.config, self.model, early))

    async def _transcriber(self) -> None:
        while (item := await self.turns.get()) is not None:
            turn = item.turn
            made = "early" if item.early is not None else "after"
            try:
                job = item.early or self._transcription(turn, item.config, item.model)
                transcript = await job
            except ServiceError as problem:
                REALTIME_TURNS.labels("error", made).inc()
                await self.error(problem.code, problem.message)
                continue
            except Exception:
                REALTIME_TURNS.labels("error", made).inc()
                logger.exception("transcription failed")
                await self.error("transcription_failed", "The turn could not be transcribed.")
                continue
            event = self._completed(turn, transcript)
            REALTIME_TURNS.labels(event["type"].rsplit(".", 1)[-1], made).inc()
            await self.send(event)

    async def _run_stt(self, job: functools.partial[Transcript]) -> Transcript:
        """A learner's turn is not dropped because other sessions keep the engine busy: while
        its queue is full, wait for a place (up to ``SATURATED_WAIT_SECONDS``)."""
        deadline = time.monotonic() + SATURATED_WAIT_SECONDS
        while True:
            try:
                return await self.engines.gates["stt"].run(job)
            except ServiceError as problem:
                if problem.code != "engine_saturated" or time.monotonic() >= deadline:
                    raise
            await asyncio.sleep(0.05)

    @staticmethod
    def _completed(turn: Turn, transcript: Transcript) -> dict[str, Any]:
        text = transcript.text.strip()
        if only_fillers(text):
            return {
                "type": "conversation.item.input_audio_transcription.ignored",
                "reason": "fillers" if text else "no_words",
                "transcript": text,
                "audio_start_ms": turn.speech_start_ms,
                "audio_end_ms": turn.speech_end_ms,
            }
        return {
            "type": "conversation.item.input_audio_transcription.completed",
            "transcript": text,
            "language": transcript.language,
            "model": transcript.model,
            "duration": round(turn.duration, 3),
            "words": [
                {
                    "word": w.word.strip(),
                    "start": w.start,
                    "end": w.end,
                    "probability": w.probability,
                }
                for w in transcript.words
            ],
            "pauses": [{"start": p.start, "end": p.end} for p in turn.pauses],
            "speech_ms": turn.speech_ms,
            "audio_start_ms": turn.speech_start_ms,
            "audio_end_ms": turn.speech_end_ms,
            "end_reason": turn.reason,
        }


@router.websocket("/v1/realtime/transcription")
async def realtime_transcription(websocket: WebSocket) -> None:
    engines: Engines = websocket.app.state.engines
    await websocket.accept()
    if not _authorized(websocket, engines.settings.api_key):
        await websocket.close(UNAUTHORIZED, reason="Missing or invalid API key.")
        return
    # The VAD model loads once per process (~50 ms): off the event loop.
    await asyncio.to_thread(vad_model)
    session = TranscriptionSession(websocket, engines)
    with contextlib.suppress(WebSocketDisconnect):
        await session.run()
