"""/ws/tutor/: a spoken (or typed) conversation with the AI voice tutor.

The socket is a thin bridge: the conversation, scoring and billing are
``voice_tutor.services``; end-of-turn detection and transcription are the ML service's
streaming endpoint (``ai.speech_stream``); each complete sentence of the tutor's reply is
spoken by the ML service's ``/v1/audio/speech`` (``ai.client.synthesize``) while the rest is
still being generated.

Client → server: ``session.start`` {avatar, context, level?, audio_out?, sample_rate?} (or
{session} to resume one's active session), binary frames of 16-bit little-endian mono PCM at
``sample_rate`` (16 kHz unless declared; or ``input_audio.append`` {audio: base64}), ``input_audio.commit`` (push-to-talk released),
``input_audio.clear``, ``input_text`` {text}, ``response.cancel`` {heard_text?} (barge-in),
``playback.done`` (the client's queue of tutor audio ran out), ``session.end``, ``ping``.

Server → client: ``session.started`` {session, mode, settings}, ``state`` {state: listening |
thinking | speaking}, ``speech.started`` {barge_in?}, ``speech.stopped``, ``transcript.user``
{text, final}, ``transcript.tutor`` {delta} then {text, final: true}, ``audio`` {format:
"pcm16", sample_rate, seq, sentence, text, data: base64}, ``response.done`` {cancelled,
heard_text?}, ``credits.warning`` {seconds_left}, ``error`` {code, message},
``session.ended`` {session, reason, report_ready}.

Policies written here:
- One tutor turn is stored (``finish_tutor_turn``) when the next thing happens (the learner's
  next turn, a barge-in, the end of the session), not when generation ends: a barge-in after
  the reply was generated but while it still plays must cut the stored turn to what was heard.
- Echo guard: while the tutor speaks, the learner's speech is ignored unless it lasts longer
  than ``ECHO_GUARD_MS`` (the tutor's own voice leaking through the browser's echo
  cancellation is short bursts): the ML stream's ``min_speech_ms`` is raised to it, so any
  speech that does start then is sustained, and is a barge-in.
- Input audio at another rate than 16 kHz (a native client's 48 kHz or 44.1 kHz capture, 8 kHz
  telephony) is declared in ``session.start`` and resampled here, frame by frame with a
  stateful soxr stream, before anything else sees it: the ML stream, the VAD times and the
  stored recordings stay 16 kHz. A rate outside ``INPUT_SAMPLE_RATES`` is refused with
  ``unsupported_sample_rate`` before the session starts (nothing charged).
- A failure of the ML service (or the LLM) during a turn: ``error`` ``ml_unavailable``,
  ``fail_session`` (the session stays open and resumable, the failed turn is not charged) and
  the socket keeps listening.
- Long-running work (the reply's iterator, synthesis, scoring) runs in worker threads that are
  not the one shared thread of ``database_sync_to_async``: ten sessions must not queue behind
  each other's speech synthesis.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import dataclasses
import io
import logging
import threading
import time
import wave
from collections.abc import Callable, Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from django.utils.translation import gettext

from .base import CLOSE_UNAUTHENTICATED, BadFrame, JsonSocketConsumer, int_field

logger = logging.getLogger(__name__)

SAMPLE_RATE = 16_000  # what the browser sends and the ML stream expects
# Rates a client may declare in session.start (resampled to SAMPLE_RATE on arrival).
INPUT_SAMPLE_RATES = (8_000, 11_025, 12_000, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000)
MAX_AUDIO_FRAME_BYTES = 32 * 1024  # one frame: ~1 s of 16 kHz PCM16; the ML limit
MAX_TURN_AUDIO_SECONDS = 90  # what is kept of one learner turn for its recording
MAX_TEXT_CHARS = 2000
ECHO_GUARD_MS = 600
MIN_SPEECH_MS = 250  # the ML stream's default: shorter voiced runs are not speech
AUDIO_CHUNK_BYTES = 24 * 1024  # synthesized audio is sent in chunks of this size
PREROLL_MS = 300  # kept before the VAD's speech start in a turn's recording


async def in_thread(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn`` in a worker thread of its own, with Django's connection hygiene."""

    def run() -> Any:
        close_old_connections()
        try:
            return fn(*args, **kwargs)
        finally:
            close_old_connections()

    return await sync_to_async(run, thread_sensitive=False)()


async def iterate_in_thread(make: Callable[[], Iterator[str]]) -> Any:
    """Yields the items of the sync iterator ``make()`` produced in a worker thread, as they
    come. Cancelling the consumer of this generator stops the thread at its next item."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
    stop = threading.Event()

    def produce() -> None:
        close_old_connections()
        try:
            for item in make():
                if stop.is_set():
                    break
                loop.call_soon_threadsafe(queue.put_nowait, ("item", item))
            loop.call_soon_threadsafe(queue.put_nowait, ("end", None))
        except BaseException as exc:  # handed to the event loop side
            loop.call_soon_threadsafe(queue.put_nowait, ("error", exc))
        finally:
            close_old_connections()

    worker = loop.run_in_executor(None, produce)
    try:
        while True:
            kind, value = await queue.get()
            if kind == "end":
                break
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        with contextlib.suppress(BaseException):
            if worker.done():
                worker.result()


def wav_bytes(pcm16: bytes, sample_rate: int = SAMPLE_RATE) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(sample_rate)
        handle.writeframes(pcm16)
    return out.getvalue()


def pcm_of_wav(data: bytes) -> tuple[bytes, int]:
    """Mono 16-bit PCM and its sample rate from a WAV file (the ML service's speech)."""
    with wave.open(io.BytesIO(data), "rb") as handle:
        if handle.getsampwidth() != 2 or handle.getnchannels() != 1:
            raise ValueError("the speech is not 16-bit mono")
        return handle.readframes(handle.getnframes()), handle.getframerate()


def is_unavailable(exc: BaseException) -> bool:
    """An ML/LLM outage or timeout (as opposed to a bug): the turn fails, the session stays."""
    from ai.errors import AIUnavailable
    from voice_tutor import errors as tutor_errors

    unavailable = getattr(tutor_errors, "EngineUnavailable", None)
    kinds: tuple[type[BaseException], ...] = (AIUnavailable, TimeoutError, ConnectionError)
    if isinstance(unavailable, type):
        kinds = (*kinds, unavailable)
    return isinstance(exc, kinds)


class TutorConsumer(JsonSocketConsumer):
    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.session: Any = None
        self.tutor_settings: Any = None
        self.audio_out = True
        self.stream: Any = None
        self.stream_cm: Any = None
        self.stream_task: asyncio.Task[None] | None = None
        self.reply_task: asyncio.Task[None] | None = None
        self.billing_task: asyncio.Task[None] | None = None
        self.end_timer: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()  # one learner turn → reply transition at a time
        self.pending: dict[str, Any] | None = None  # the tutor turn not stored yet
        self.speaking_until = 0.0  # monotonic: the tutor's audio sent so far ends then
        self.guarding = False  # the stream asks for ECHO_GUARD_MS of speech to start a turn
        self.warned = False
        self.ended = False
        self.interrupted = False  # fail_session ran: resume before the next turn
        self.turn_pcm = bytearray()
        self.turn_base_ms = 0  # stream time at turn_pcm[0]
        self.stream_ms = 0  # audio sent to the stream so far, in ms
        self.seq = 0
        self.input_rate = SAMPLE_RATE
        self.resampler: Any = None  # soxr.ResampleStream when input_rate != SAMPLE_RATE
        if self.user is None or not self.user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        await self.accept()

    # --- frames ----------------------------------------------------------------------------
    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        if text_data is None and bytes_data is not None:
            try:
                await self.on_audio(bytes_data)
            except BadFrame as exc:
                await self.error(exc.code, exc.message, request="audio")
            except Exception:
                logger.exception("An audio frame failed")
                await self.error("server_error", "This audio could not be handled.")
            return
        await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)

    def handlers(self) -> dict[str, Any]:
        return {
            "session.start": self.on_start,
            "input_audio.append": self.on_append,
            "input_audio.commit": self.on_commit,
            "input_audio.clear": self.on_clear,
            "input_text": self.on_text,
            "response.cancel": self.on_cancel,
            "playback.done": self.on_played,
            "session.end": self.on_end,
        }

    def _require_session(self) -> None:
        if self.session is None or self.ended:
            raise BadFrame("no_session", "Start a session first (session.start).")

    # --- session ---------------------------------------------------------------------------
    async def on_start(self, content: dict[str, Any]) -> None:
        from voice_tutor import errors as tutor_errors
        from voice_tutor import services

        if self.session is not None and not self.ended:
            raise BadFrame("session_started", "This socket already has a session.")
        self.audio_out = content.get("audio_out", True) is not False
        self._set_input_rate(content.get("sample_rate", SAMPLE_RATE))
        resume = content.get("session")
        if resume is not None:
            session = await in_thread(services.active_session, self.user)
            if session is None or str(session.pk) != str(resume):
                raise BadFrame("not_found", "You have no open session with this id.")
            session = await in_thread(services.resume_session, session)
            resumed = True
        else:
            avatar = int_field(content, "avatar")
            context = int_field(content, "context")
            level = content.get("level")
            if level is not None and not isinstance(level, str):
                raise BadFrame("invalid_field", "level must be a CEFR level such as B1.")
            try:
                session = await in_thread(
                    services.start_session,
                    self.user,
                    avatar_id=avatar,
                    context_id=context,
                    level=level or None,
                )
            except tutor_errors.SessionActive as exc:
                active = getattr(exc, "session_id", None)
                if active is None:
                    found = await in_thread(services.active_session, self.user)
                    active = found.pk if found is not None else None
                await self.error(
                    "session_active",
                    str(exc.detail),
                    request="session.start",
                    session=str(active) if active is not None else None,
                )
                return
            resumed = False
        self.session = session
        self.ended = False
        self.warned = False
        self.tutor_settings = await in_thread(services.session_settings, session)
        await self.send_json(
            {
                "type": "session.started",
                "session": str(session.pk),
                "mode": self.tutor_settings.mode,
                "resumed": resumed,
                "settings": self._settings_json(),
            }
        )
        self.billing_task = asyncio.ensure_future(self._billing_loop())
        self._schedule_end(float(self.tutor_settings.seconds_left))
        if self.tutor_settings.seconds_left <= 60:
            await self._warn(int(self.tutor_settings.seconds_left))
        if resumed:
            await self.state("listening")
            return
        await self.state("thinking")
        self.reply_task = asyncio.ensure_future(self._reply(services.opening_reply))

    def _set_input_rate(self, rate: Any) -> None:
        if isinstance(rate, bool) or not isinstance(rate, int) or rate not in INPUT_SAMPLE_RATES:
            rates = ", ".join(str(r) for r in INPUT_SAMPLE_RATES)
            raise BadFrame(
                "unsupported_sample_rate",
                f"sample_rate must be one of {rates} (Hz, 16-bit mono PCM).",
            )
        self.input_rate = rate
        self.resampler = None
        if rate != SAMPLE_RATE:
            import soxr

            self.resampler = soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="int16")

    def _to_stream_rate(self, pcm: bytes) -> bytes:
        """The client's PCM16 at 16 kHz (the resampler keeps its filter state between
        frames, so 20 ms frames resample as one continuous signal)."""
        if self.resampler is None:
            return pcm
        import numpy as np

        samples = np.frombuffer(pcm, dtype="<i2").astype(np.int16)
        return bytes(self.resampler.resample_chunk(samples).astype("<i2").tobytes())

    def _settings_json(self) -> dict[str, Any]:
        settings_ = self.tutor_settings
        fields = (
            dataclasses.asdict(settings_)
            if dataclasses.is_dataclass(settings_) and not isinstance(settings_, type)
            else {}
        )
        return {
            **fields,
            "sample_rate": self.input_rate,
            "max_audio_frame_bytes": MAX_AUDIO_FRAME_BYTES,
            "echo_guard_ms": ECHO_GUARD_MS,
            "audio_out": self.audio_out,
        }

    async def on_end(self, content: dict[str, Any]) -> None:
        self._require_session()
        await self.end("learner")

    async def end(self, reason: str) -> None:
        from voice_tutor import services

        if self.session is None or self.ended:
            return
        self.ended = True
        await self._stop_reply()
        await self._flush_tutor_turn()
        await self._close_stream()
        for task in (self.billing_task, self.end_timer):
            if task is not None and task is not asyncio.current_task():
                task.cancel()
        report_ready = True
        try:
            await in_thread(services.end_session, self.session, reason=reason)
        except Exception:
            logger.exception("Ending tutor session %s failed", self.session.pk)
            report_ready = False
        await self.send_json(
            {
                "type": "session.ended",
                "session": str(self.session.pk),
                "reason": reason,
                "report_ready": report_ready,
            }
        )

    # --- billing ---------------------------------------------------------------------------
    async def _billing_loop(self) -> None:
        from voice_tutor import services

        interval = float(settings.VOICE_TUTOR_CHARGE_INTERVAL_SECONDS)
        while not self.ended:
            await asyncio.sleep(interval)
            try:
                result = await in_thread(services.charge_elapsed, self.session)
            except Exception:
                logger.exception("Charging tutor session %s failed", self.session.pk)
                continue
            if result.exhausted:
                await self.end(await self._limit_reason())
                return
            self._schedule_end(float(result.seconds_left))
            if result.warn:
                await self._warn(int(result.seconds_left))

    async def _limit_reason(self) -> str:
        """``limit`` when the session reached its maximum length, else ``credits``."""
        from voice_tutor import selectors

        session = await in_thread(selectors.session_for, self.user, self.session.pk)
        reached = session.billable_seconds() >= self.tutor_settings.max_seconds - 1
        return "limit" if reached else "credits"

    def _schedule_end(self, seconds_left: float) -> None:
        if self.end_timer is not None:
            self.end_timer.cancel()

        async def run() -> None:
            await asyncio.sleep(max(0.0, seconds_left))
            from voice_tutor import services

            with contextlib.suppress(Exception):
                await in_thread(services.charge_elapsed, self.session)
            await self.end(await self._limit_reason())

        self.end_timer = asyncio.ensure_future(run())

    async def _warn(self, seconds_left: int) -> None:
        if self.warned:
            return
        self.warned = True
        await self.send_json({"type": "credits.warning", "seconds_left": max(0, seconds_left)})

    # --- typed turns -----------------------------------------------------------------------
    async def on_text(self, content: dict[str, Any]) -> None:
        self._require_session()
        text = content.get("text")
        if not isinstance(text, str) or not text.strip():
            raise BadFrame("invalid_field", "text must be a non-empty string.")
        if len(text) > MAX_TEXT_CHARS:
            raise BadFrame("text_too_long", f"A turn has at most {MAX_TEXT_CHARS} characters.")
        await self.learner_said(text.strip(), audio=None, speech=None)

    async def learner_said(self, text: str, *, audio: bytes | None, speech: Any) -> None:
        from voice_tutor import services

        async with self.lock:
            if self.reply_task is not None and not self.reply_task.done():
                await self._stop_reply()  # the learner spoke over the tutor's reply
            await self._flush_tutor_turn()
            await self.send_json({"type": "transcript.user", "text": text, "final": True})
            await self.state("thinking")
            try:
                if self.interrupted:
                    self.session = await in_thread(services.resume_session, self.session)
                    self.interrupted = False
                await in_thread(
                    services.learner_turn, self.session, text=text, audio=audio, speech=speech
                )
            except Exception as exc:
                if is_unavailable(exc):
                    await self._failed(exc)
                    return
                raise
            self.reply_task = asyncio.ensure_future(self._reply(services.tutor_reply))

    # --- the tutor's reply -----------------------------------------------------------------
    async def _reply(self, source: Callable[[Any], Iterator[str]]) -> None:
        """Streams one tutor reply: text deltas as they come, and each complete sentence's
        speech as soon as the sentence is complete (synthesis runs beside generation)."""
        from voice_tutor.text import sentences

        session = self.session
        turn: dict[str, Any] = {"text": "", "spoken": [], "sent_text": ""}
        self.pending = turn
        speech_queue: asyncio.Queue[str | None] = asyncio.Queue()
        speaker = asyncio.ensure_future(self._speak(speech_queue, turn))
        buffer = ""
        try:
            async for delta in iterate_in_thread(lambda: source(session)):
                if not delta:
                    continue
                turn["text"] += delta
                await self.send_json({"type": "transcript.tutor", "delta": delta})
                done, buffer = sentences(buffer + delta)
                for sentence in done:
                    speech_queue.put_nowait(sentence)
            turn["generated"] = True
            if buffer.strip():
                speech_queue.put_nowait(buffer.strip())
            speech_queue.put_nowait(None)
            await self.send_json(
                {"type": "transcript.tutor", "text": turn["text"].strip(), "final": True}
            )
            await speaker
            await self.send_json({"type": "response.done", "cancelled": False})
            if self.speaking_until <= time.monotonic():
                await self._guard(False)
                await self.state("listening")
            else:
                self._listening_after(self.speaking_until - time.monotonic())
        except asyncio.CancelledError:
            speaker.cancel()
            raise
        except Exception as exc:
            speaker.cancel()
            if not turn.get("generated"):
                # A reply that failed while being written is not stored: the learner retries.
                # One that was written (and shown) but could not be spoken stays.
                self.pending = None
            if is_unavailable(exc):
                await self._failed(exc)
                return
            logger.exception("A tutor reply failed in session %s", session.pk)
            await self.error("server_error", "The tutor could not answer; try again.")
            await self.state("listening")

    async def _speak(self, queue: asyncio.Queue[str | None], turn: dict[str, Any]) -> None:
        from ai import client

        index = 0
        while True:
            sentence = await queue.get()
            if sentence is None:
                return
            if not self.audio_out:
                turn["spoken"].append(sentence)
                continue
            wav = await in_thread(
                client.synthesize,
                sentence,
                self.tutor_settings.tts_voice,
                "wav",
                speed=self.tutor_settings.tts_speed,
            )
            pcm, rate = pcm_of_wav(wav)
            turn["spoken"].append(sentence)
            now = time.monotonic()
            if self.speaking_until < now:
                self.speaking_until = now
                await self.state("speaking")
                await self._guard(True)
            self.speaking_until += len(pcm) / 2 / rate
            for start in range(0, len(pcm), AUDIO_CHUNK_BYTES):
                chunk = pcm[start : start + AUDIO_CHUNK_BYTES]
                await self.send_json(
                    {
                        "type": "audio",
                        "format": "pcm16",
                        "sample_rate": rate,
                        "seq": self.seq,
                        "sentence": index,
                        "text": sentence if start == 0 else None,
                        "data": base64.b64encode(chunk).decode("ascii"),
                    }
                )
                self.seq += 1
            index += 1

    def _listening_after(self, delay: float) -> None:
        async def later() -> None:
            await asyncio.sleep(delay)
            if not self.ended and (self.reply_task is None or self.reply_task.done()):
                if self.speaking_until <= time.monotonic():
                    await self._guard(False)
                await self.state("listening")

        self._timers.append(asyncio.ensure_future(later()))

    async def _stop_reply(self) -> None:
        task, self.reply_task = self.reply_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self.speaking_until = 0.0
        await self._guard(False)

    async def _flush_tutor_turn(self, heard_text: str | None = None) -> None:
        """Stores the tutor turn in progress (cut to ``heard_text`` after a barge-in)."""
        from voice_tutor import services

        turn, self.pending = self.pending, None
        if turn is None:
            return
        text = turn["text"].strip()
        if not text:
            return
        if heard_text is None and turn.get("cut"):
            heard_text = " ".join(turn["spoken"])
        try:
            await in_thread(
                services.finish_tutor_turn, self.session, text=text, heard_text=heard_text
            )
        except Exception:
            logger.exception("Storing a tutor turn of session %s failed", self.session.pk)

    async def on_played(self, content: dict[str, Any]) -> None:
        """The client finished playing the tutor's audio: the echo guard can stand down
        (the server's own estimate, ``speaking_until``, is an upper bound)."""
        self._require_session()
        if self.reply_task is None or self.reply_task.done():
            self.speaking_until = 0.0
            await self._guard(False)

    async def on_cancel(self, content: dict[str, Any]) -> None:
        """Barge-in: playback stopped on the client, which says what the learner heard."""
        self._require_session()
        heard = content.get("heard_text")
        if heard is not None and not isinstance(heard, str):
            raise BadFrame("invalid_field", "heard_text must be a string.")
        await self._barge_in(heard)

    async def _barge_in(self, heard: str | None) -> None:
        turn = self.pending
        running = self.reply_task is not None and not self.reply_task.done()
        await self._stop_reply()
        if turn is None:
            return
        if heard is None:
            heard = " ".join(turn["spoken"])  # at most what was sent to be played
        heard = heard.strip()[:MAX_TEXT_CHARS]
        await self._flush_tutor_turn(heard_text=heard)
        await self.send_json(
            {
                "type": "response.done",
                "cancelled": True,
                "heard_text": heard,
                "was_running": running,
            }
        )
        await self.state("listening")

    async def _failed(self, exc: BaseException) -> None:
        from voice_tutor import services

        logger.warning("Tutor session %s: a stage is unavailable: %s", self.session.pk, exc)
        with contextlib.suppress(Exception):
            await in_thread(services.fail_session, self.session, code="ml_unavailable")
            self.interrupted = True
        await self.error(
            "ml_unavailable",
            gettext(
                "The speech or language service is not answering right now. "
                "Nothing was charged for this turn; try again in a moment."
            ),
        )
        await self.state("listening")

    # --- audio -----------------------------------------------------------------------------
    async def on_append(self, content: dict[str, Any]) -> None:
        data = content.get("audio")
        if not isinstance(data, str):
            raise BadFrame("invalid_field", "audio must be base64 PCM16.")
        if len(data) > MAX_AUDIO_FRAME_BYTES * 4 // 3 + 4:
            raise BadFrame(
                "frame_too_large", f"An audio frame has at most {MAX_AUDIO_FRAME_BYTES} bytes."
            )
        try:
            pcm = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise BadFrame("invalid_audio", "audio is not valid base64.") from exc
        await self.on_audio(pcm)

    async def on_audio(self, pcm: bytes) -> None:
        self._require_session()
        if len(pcm) > MAX_AUDIO_FRAME_BYTES:
            raise BadFrame(
                "frame_too_large", f"An audio frame has at most {MAX_AUDIO_FRAME_BYTES} bytes."
            )
        if not pcm or len(pcm) % 2:
            raise BadFrame("invalid_audio", "Audio frames are 16-bit PCM: an even, non-zero size.")
        if not await self._ensure_stream():
            return
        pcm = self._to_stream_rate(pcm)
        if not pcm:
            return  # the resampler is still filling its filter
        self.turn_pcm += pcm
        cap = MAX_TURN_AUDIO_SECONDS * SAMPLE_RATE * 2
        if len(self.turn_pcm) > cap:
            drop = len(self.turn_pcm) - cap
            del self.turn_pcm[:drop]
            self.turn_base_ms += drop * 1000 // (SAMPLE_RATE * 2)
        self.stream_ms += len(pcm) * 1000 // (SAMPLE_RATE * 2)
        try:
            for start in range(0, len(pcm), MAX_AUDIO_FRAME_BYTES):  # 8 kHz doubles in size
                await self.stream.send_audio(pcm[start : start + MAX_AUDIO_FRAME_BYTES])
        except Exception as exc:
            await self._stream_failed(exc)

    async def on_commit(self, content: dict[str, Any]) -> None:
        self._require_session()
        if self.stream is not None:
            try:
                await self.stream.commit()
            except Exception as exc:
                await self._stream_failed(exc)

    async def on_clear(self, content: dict[str, Any]) -> None:
        self._require_session()
        self._reset_turn_audio()
        if self.stream is not None:
            try:
                await self.stream.clear()
            except Exception as exc:
                await self._stream_failed(exc)

    def _reset_turn_audio(self) -> None:
        self.turn_base_ms = self.stream_ms
        self.turn_pcm = bytearray()

    async def _ensure_stream(self) -> bool:
        if self.stream is not None:
            return True
        from ai.speech_stream import open_speech_stream

        try:
            cm = open_speech_stream()
            stream = await cm.__aenter__()
            self.stream_cm, self.stream = cm, stream
            await self._configure_stream()
        except Exception as exc:
            if not is_unavailable(exc):
                logger.exception("Opening the speech stream failed")
            await self._close_stream()
            await self._failed(exc)
            return False
        self.stream_ms = 0
        self._reset_turn_audio()
        self.stream_task = asyncio.ensure_future(self._stream_events())
        return True

    async def _stream_failed(self, exc: BaseException) -> None:
        await self._close_stream()
        await self._failed(exc)

    async def _close_stream(self) -> None:
        task, self.stream_task = self.stream_task, None
        cm, self.stream, self.stream_cm = self.stream_cm, None, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        if cm is not None:
            with contextlib.suppress(Exception):
                await cm.__aexit__(None, None, None)

    def _tutor_speaking(self) -> bool:
        replying = self.reply_task is not None and not self.reply_task.done()
        return replying or self.speaking_until > time.monotonic()

    async def _stream_events(self) -> None:
        stream = self.stream
        try:
            async for event in stream.events():
                try:
                    await self._on_stream_event(event)
                except Exception:
                    logger.exception("A speech event failed: %r", event.get("type"))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if self.stream is stream:
                self.stream_task = None  # this task is ending by itself
                await self._stream_failed(exc)
            return
        if self.stream is stream and not self.ended:
            # The ML service closed the stream (restart): open a new one on the next frame.
            self.stream_task = None
            await self._close_stream()

    async def _guard(self, on: bool) -> None:
        """Echo guard: while the tutor speaks, a turn needs ``ECHO_GUARD_MS`` of continuous
        speech to start (the ML stream's ``min_speech_ms``), so short leaks of the tutor's
        own voice never start one, and any speech that does start is a barge-in."""
        if on == self.guarding:
            return
        self.guarding = on
        if self.stream is not None:
            await self._configure_stream()

    async def _configure_stream(self) -> None:
        s = self.tutor_settings
        try:
            await self.stream.configure(
                language=s.language,
                silence_duration_ms=int(s.silence_duration_ms),
                min_speech_ms=ECHO_GUARD_MS if self.guarding else MIN_SPEECH_MS,
            )
        except TypeError:  # a client without min_speech_ms: no guard, barge-in at once
            await self.stream.configure(
                language=s.language, silence_duration_ms=int(s.silence_duration_ms)
            )

    async def _on_stream_event(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "input_audio_buffer.speech_started":
            barge_in = self._tutor_speaking()
            await self.send_json(
                {
                    "type": "speech.started",
                    "audio_start_ms": event.get("audio_start_ms"),
                    **({"barge_in": True} if barge_in else {}),
                }
            )
            if barge_in:
                # Generation and synthesis stop now; the client stops playback and says
                # what was heard (response.cancel), else the stored turn is cut to the
                # sentences that were sent.
                if self.pending is not None:
                    self.pending["cut"] = True
                await self._stop_reply()
                await self.state("listening")
        elif kind == "input_audio_buffer.speech_stopped":
            await self.send_json(
                {"type": "speech.stopped", "audio_end_ms": event.get("audio_end_ms")}
            )
        elif kind == "conversation.item.input_audio_transcription.completed":
            text = str(event.get("transcript") or "").strip()
            audio = self._turn_wav(event)
            self._reset_turn_audio()
            if text and not self.ended:
                await self.learner_said(text, audio=audio, speech=event)
        elif kind == "error":
            error = event.get("error") or {}
            if error.get("code") == "input_audio_buffer_commit_empty":
                return  # push-to-talk released without speech: nothing to answer
            await self.error(
                str(error.get("code") or "speech_error"),
                str(error.get("message") or "The speech service refused the audio."),
                request="audio",
            )

    def _turn_wav(self, event: dict[str, Any]) -> bytes | None:
        """The learner's turn as WAV: the buffered PCM from a moment before the VAD heard
        speech start (the buffer holds this turn only: it is reset after each turn)."""
        if not self.turn_pcm:
            return None
        pcm = bytes(self.turn_pcm)
        start_ms = event.get("audio_start_ms")
        if isinstance(start_ms, int | float):
            offset_ms = max(0, int(start_ms) - PREROLL_MS - self.turn_base_ms)
            offset = offset_ms * SAMPLE_RATE * 2 // 1000
            if offset < len(pcm):
                pcm = pcm[offset - offset % 2 :]
        return wav_bytes(pcm)

    # --- helpers ---------------------------------------------------------------------------
    async def state(self, state: str) -> None:
        await self.send_json({"type": "state", "state": state})

    async def send_json(self, content: Any, close: bool = False) -> None:
        if self._closed:
            return
        with contextlib.suppress(Exception):
            await super().send_json(content, close)

    async def release(self) -> None:
        for task in (self.billing_task, self.end_timer):
            if task is not None:
                task.cancel()
        await self._stop_reply()
        await self._close_stream()
        if self.session is not None and not self.ended:
            # The socket went away mid-session: keep what was said; the session stays
            # active (resumable from another socket) until it is ended or expires.
            await self._flush_tutor_turn()
