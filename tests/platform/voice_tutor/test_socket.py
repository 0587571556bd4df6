"""/ws/tutor/ end to end: the real ASGI application over the test Redis, the real voice_tutor
services on PostgreSQL, the real ML service (espeak-ng speech in, Silero VAD + Whisper
streaming transcription, espeak/Piper speech out) and the credits ledger. Nothing is mocked
but the ML service's address when a test makes it unreachable."""

from __future__ import annotations

import asyncio
import base64
import subprocess
import wave
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.conf import settings as django_settings
from django.test import Client
from rest_framework.test import APIClient

from accounts.testing import AUTH
from core.testing.websockets import connect, refused
from realtime.testing import drain, receive_until

pytestmark = pytest.mark.django_db(transaction=True)

FRAME = 3200  # 100 ms of 16 kHz PCM16


@pytest.fixture(autouse=True)
def _fresh_channel_layer() -> Iterator[None]:
    """A new channel layer object per test: its Redis connections and locks belong to one
    event loop (as in tests/realtime/conftest.py)."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _migrated_rows(transactional_db: None) -> None:
    """The flush after a transactional test takes the rows of data migrations with it: the
    locales (practice contexts are translatable) and the tutor's credit price."""
    from wagtail.models import Locale

    from voice_tutor.demo import ensure_price

    for code in ("en", "es"):
        Locale.objects.get_or_create(language_code=code)
    ensure_price()


@pytest.fixture
def live_socket_ml(settings: Any, ml_service_url: str) -> str:
    settings.ML_URL = ml_service_url
    settings.ML_API_KEY = ""
    return ml_service_url


def speech_pcm(
    folder: Path, text: str, *, voice: str = "en-us", pad: float = 0.3, rate: int = 16000
) -> bytes:
    """espeak-ng speech as mono PCM16 at ``rate`` (sox resamples espeak's 22.05 kHz), its own leading and trailing silence trimmed,
    with ``pad`` seconds of silence before it."""
    raw = folder / "raw.wav"
    subprocess.run(["espeak-ng", "-v", voice, "-s", "140", "-w", str(raw), text], check=True)
    out = folder / "speech.wav"
    trim = ["silence", "1", "0.02", "0.5%", "reverse", "silence", "1", "0.02", "0.5%", "reverse"]
    subprocess.run(
        [
            "sox",
            str(raw),
            "-r",
            str(rate),
            "-b",
            "16",
            "-c",
            "1",
            str(out),
            *trim,
            "pad",
            str(pad),
            "0",
        ],
        check=True,
    )
    with wave.open(str(out)) as handle:
        return handle.readframes(handle.getnframes())


async def stream_audio(socket: Any, pcm: bytes, *, pace: float = 0.0, frame: int = FRAME) -> None:
    for start in range(0, len(pcm), frame):
        await socket.send_to(bytes_data=pcm[start : start + frame])
        if pace:
            await asyncio.sleep(pace)


async def collect_until(socket: Any, type_: str, timeout: float = 60) -> list[dict[str, Any]]:
    """Every event up to and including the first of ``type_``."""
    events = []
    while True:
        event = await socket.receive_json_from(timeout=timeout)
        events.append(event)
        if event.get("type") == type_:
            return events


async def start(socket: Any, avatar: Any, practice: Any, **extra: Any) -> dict[str, Any]:
    await socket.send_json_to(
        {"type": "session.start", "avatar": avatar.pk, "context": practice.pk, **extra}
    )
    event = await socket.receive_json_from(timeout=30)
    assert event["type"] == "session.started", event
    return event


def _tutor_texts(events: list[dict[str, Any]]) -> list[str]:
    return [e["text"] for e in events if e["type"] == "transcript.tutor" and e.get("final")]


# --- a whole session by text ------------------------------------------------------------------


async def test_a_whole_guided_session_by_text_reaches_the_report(
    learner: Any, avatar: Any, practice: Any, guided: None, live_socket_ml: str
) -> None:
    from voice_tutor.models import Speaker, TutorReport, TutorSession, TutorTurn

    socket = await connect("/ws/tutor/", user=learner)
    started = await start(socket, avatar, practice, audio_out=False)
    assert started["mode"] == "guided"
    assert started["settings"]["silence_duration_ms"] == 1200  # A1: hesitant speakers
    assert started["settings"]["sample_rate"] == 16000
    opening = await collect_until(socket, "response.done")
    assert next(e["state"] for e in opening if e["type"] == "state") == "thinking"
    greeting = _tutor_texts(opening)[0]
    assert greeting.startswith("Hi Sam, I'm Maya.")
    assert greeting.endswith("Can I see your passport, please?")
    deltas = "".join(
        e["delta"] for e in opening if e["type"] == "transcript.tutor" and "delta" in e
    )
    assert deltas.strip() == greeting

    answers = [
        ("Here is my passport.", "Where are you flying to today?"),
        ("Blue.", "Which city are you flying to?"),  # does not fit: the tutor asks again
        ("I are flying to Paris.", "(I am flying to Paris)"),  # corrected gently
        ("A window seat, please.", "Have a good flight, Sam!"),
    ]
    for answer, expected in answers:
        await socket.send_json_to({"type": "input_text", "text": answer})
        events = await collect_until(socket, "response.done")
        assert {"type": "transcript.user", "text": answer, "final": True} in events
        assert expected in _tutor_texts(events)[0], (answer, _tutor_texts(events))
        assert events[-1] == {"type": "response.done", "cancelled": False}

    await socket.send_json_to({"type": "session.end"})
    ended = await receive_until(socket, "session.ended", timeout=30)
    assert ended["report_ready"] is True and ended["reason"] == "learner"
    await socket.disconnect()

    session = await sync_to_async(TutorSession.objects.get)(pk=int(ended["session"]))
    assert session.status == "ended"
    turns = await sync_to_async(list)(
        TutorTurn.objects.filter(session=session).order_by("seq").values_list("speaker", "text")
    )
    # Tutor and learner alternate: every tutor turn (the opening and the closing included)
    # was stored.
    assert [speaker for speaker, _ in turns] == [Speaker.TUTOR, Speaker.LEARNER] * 4 + [
        Speaker.TUTOR
    ]
    assert turns[1][1] == "Here is my passport."
    report = await sync_to_async(TutorReport.objects.get)(session=session)
    assert report.listening is not None and report.grammar is not None
    assert any(c["corrected"] == "I am flying to Paris." for c in report.corrections)


# --- a spoken turn ----------------------------------------------------------------------------


async def test_a_spoken_turn_is_transcribed_scored_and_answered_with_speech(
    learner: Any, avatar: Any, practice: Any, guided: None, live_socket_ml: str, tmp_path: Path
) -> None:
    from voice_tutor.models import Speaker, TutorTurn

    socket = await connect("/ws/tutor/", user=learner)
    await start(socket, avatar, practice)
    opening = await collect_until(socket, "response.done")
    audio = [e for e in opening if e["type"] == "audio"]
    assert audio, "the greeting is spoken"
    assert {e["format"] for e in audio} == {"pcm16"}
    assert [e["seq"] for e in audio] == list(range(len(audio)))
    assert audio[0]["text"] and audio[0]["sentence"] == 0
    assert sum(len(base64.b64decode(e["data"])) for e in audio) > audio[0]["sample_rate"]
    assert "speaking" in [e["state"] for e in opening if e["type"] == "state"]
    await socket.send_json_to({"type": "playback.done"})  # the page played it all

    pcm = speech_pcm(tmp_path, "Here is my passport.")
    silence = bytes(FRAME * 20)  # 2 s: more than the A1 silence budget (1.2 s)
    await stream_audio(socket, pcm + silence, pace=0.01)
    events = await collect_until(socket, "response.done", timeout=90)
    kinds = [e["type"] for e in events]
    assert kinds.index("speech.started") < kinds.index("speech.stopped")
    assert kinds.index("speech.stopped") < kinds.index("transcript.user")
    said = next(e for e in events if e["type"] == "transcript.user")
    assert "passport" in said["text"].lower() and said["final"] is True
    reply = _tutor_texts(events)[0]
    assert "Where are you flying to today?" in reply
    spoken = [e for e in events if e["type"] == "audio"]
    assert spoken and kinds.index("transcript.user") < kinds.index("audio")
    await socket.disconnect()

    turn = await sync_to_async(
        lambda: TutorTurn.objects.get(session__user=learner, speaker=Speaker.LEARNER)
    )()
    assert turn.spoken is True and turn.speech["words"]
    assert turn.recording.name.endswith(".wav")
    with turn.recording.open("rb") as handle, wave.open(handle) as recording:
        assert recording.getframerate() == 16000
        assert recording.getnframes() / 16000 > 0.8  # the spoken words are in it


async def test_a_48_khz_client_is_resampled_and_understood(
    learner: Any, avatar: Any, practice: Any, guided: None, live_socket_ml: str, tmp_path: Path
) -> None:
    """A native client capturing at 48 kHz declares it and sends 20 ms frames as they come:
    the turn is detected, transcribed and answered, and its recording is 16 kHz audio of the
    same length (the resampler kept its state across frames)."""
    from voice_tutor.models import Speaker, TutorTurn

    socket = await connect("/ws/tutor/", user=learner)
    started = await start(socket, avatar, practice, audio_out=False, sample_rate=48000)
    assert started["settings"]["sample_rate"] == 48000
    await collect_until(socket, "response.done")
    pcm = speech_pcm(tmp_path, "Here is my passport.", rate=48000)
    frame = 48000 * 20 // 1000 * 2  # 20 ms
    silence = bytes(48000 * 2 * 2)  # 2 s: more than the A1 budget
    await stream_audio(socket, pcm + silence, pace=0.002, frame=frame)
    events = await collect_until(socket, "response.done", timeout=90)
    said = next(e for e in events if e["type"] == "transcript.user")
    assert "passport" in said["text"].lower()
    assert "Where are you flying to today?" in _tutor_texts(events)[0]
    await socket.disconnect()

    turn = await sync_to_async(
        lambda: TutorTurn.objects.get(session__user=learner, speaker=Speaker.LEARNER)
    )()
    with turn.recording.open("rb") as handle, wave.open(handle) as recording:
        assert recording.getframerate() == 16000
        seconds = recording.getnframes() / 16000
    spoken = len(pcm) / 2 / 48000 - 0.3  # without the leading pad
    assert spoken - 0.1 < seconds < spoken + 2.5, (seconds, spoken)


async def test_a_hesitant_beginner_pausing_mid_sentence_is_not_cut_off(
    learner: Any, avatar: Any, practice: Any, guided: None, live_socket_ml: str, tmp_path: Path
) -> None:
    socket = await connect("/ws/tutor/", user=learner)
    started = await start(socket, avatar, practice, audio_out=False)
    assert started["settings"]["silence_duration_ms"] == 1200  # A1
    await collect_until(socket, "response.done")
    first = speech_pcm(tmp_path, "Here is", pad=0.3)
    second = speech_pcm(tmp_path, "my passport.", pad=0.0)
    pause = bytes(int(16000 * 0.9) * 2)  # 0.9 s: thinking of the next word
    await stream_audio(socket, first + pause + second + bytes(FRAME * 20), pace=0.01)
    events = await collect_until(socket, "transcript.user", timeout=90)
    assert [e["type"] for e in events].count("speech.stopped") == 1  # one turn, not two
    said = events[-1]["text"].lower()
    assert "here" in said and "passport" in said
    await socket.disconnect()


# --- barge-in ---------------------------------------------------------------------------------


async def test_barge_in_stops_the_reply_and_keeps_only_what_was_heard(
    learner: Any, avatar: Any, practice: Any, guided: None, live_socket_ml: str
) -> None:
    from voice_tutor.models import Speaker, TutorTurn

    socket = await connect("/ws/tutor/", user=learner)
    await start(socket, avatar, practice)
    await receive_until(socket, "audio", timeout=30)  # the tutor is speaking
    await socket.send_json_to({"type": "response.cancel", "heard_text": "Hi Sam, I'm Maya."})
    done = await receive_until(socket, "response.done", timeout=30)
    assert done["cancelled"] is True and done["heard_text"] == "Hi Sam, I'm Maya."
    assert (await receive_until(socket, "state"))["state"] == "listening"
    # Nothing more of that reply arrives.
    assert not [e for e in await drain(socket, settle=1.0) if e["type"] == "audio"]

    await socket.send_json_to({"type": "input_text", "text": "Here is my passport."})
    await collect_until(socket, "response.done")
    await socket.disconnect()
    turn = await sync_to_async(
        lambda: (
            TutorTurn.objects.filter(session__user=learner, speaker=Speaker.TUTOR)
            .order_by("seq")
            .first()
        )
    )()
    assert turn.interrupted is True
    assert turn.heard_text == "Hi Sam, I'm Maya."
    assert turn.text.endswith("Can I see your passport, please?")  # what was generated


async def test_sustained_speech_over_the_tutor_is_a_barge_in_but_a_short_burst_is_not(
    learner: Any, avatar: Any, practice: Any, guided: None, live_socket_ml: str, tmp_path: Path
) -> None:
    from voice_tutor.models import Speaker, TutorTurn

    socket = await connect("/ws/tutor/", user=learner)
    await start(socket, avatar, practice)
    await receive_until(socket, "response.done", timeout=30)  # generated; still "playing"

    # A short sound while the tutor speaks (its own voice leaking through, a cough) does
    # not start a turn: the echo guard wants 600 ms of speech.
    burst = speech_pcm(tmp_path, "Oh.", pad=0.1)
    assert len(burst) < 16000 * 2 * 0.55
    await stream_audio(socket, burst + bytes(FRAME * 5), pace=0.01)
    assert not [e for e in await drain(socket, settle=1.5) if e["type"].startswith("speech")]

    # The learner talks over the tutor for well over the echo guard (600 ms).
    pcm = speech_pcm(tmp_path, "Sorry, here is my passport, my friend.", pad=0.1)
    await stream_audio(socket, pcm + bytes(FRAME * 20), pace=0.01)
    events = await collect_until(socket, "transcript.user", timeout=90)
    barge = [e for e in events if e["type"] == "speech.started"]
    assert barge and barge[0].get("barge_in") is True
    await socket.send_json_to({"type": "response.cancel", "heard_text": "Hi Sam."})
    await collect_until(socket, "response.done", timeout=60)
    await socket.disconnect()

    tutor = await sync_to_async(
        lambda: (
            TutorTurn.objects.filter(session__user=learner, speaker=Speaker.TUTOR)
            .order_by("seq")
            .first()
        )
    )()
    assert tutor.interrupted is True


# --- failures ---------------------------------------------------------------------------------


async def test_bad_frames_get_error_events_and_the_socket_stays(
    learner: Any, avatar: Any, practice: Any, guided: None, live_socket_ml: str
) -> None:
    socket = await connect("/ws/tutor/", user=learner)
    await socket.send_json_to({"type": "input_text", "text": "Hello"})
    assert (await receive_until(socket, "error"))["code"] == "no_session"
    await socket.send_to(bytes_data=b"\x00\x01")
    assert (await receive_until(socket, "error"))["code"] == "no_session"
    await socket.send_json_to({"type": "session.start", "avatar": "x", "context": practice.pk})
    assert (await receive_until(socket, "error"))["code"] == "invalid_field"
    await socket.send_json_to({"type": "session.start", "avatar": 99999, "context": practice.pk})
    assert (await receive_until(socket, "error"))["code"] == "not_found"
    for rate in (96000, "48000", 0):
        await socket.send_json_to(
            {
                "type": "session.start",
                "avatar": avatar.pk,
                "context": practice.pk,
                "sample_rate": rate,
            }
        )
        error = await receive_until(socket, "error")
        assert error["code"] == "unsupported_sample_rate" and "48000" in error["message"]

    await start(socket, avatar, practice, audio_out=False)
    await receive_until(socket, "response.done", timeout=30)
    await socket.send_to(bytes_data=b"\x00" * 3)
    assert (await receive_until(socket, "error"))["code"] == "invalid_audio"
    await socket.send_to(bytes_data=b"\x00" * (32 * 1024 + 2))
    assert (await receive_until(socket, "error"))["code"] == "frame_too_large"
    await socket.send_json_to({"type": "input_audio.append", "audio": "not base64!"})
    assert (await receive_until(socket, "error"))["code"] == "invalid_audio"
    await socket.send_json_to({"type": "input_text", "text": "   "})
    assert (await receive_until(socket, "error"))["code"] == "invalid_field"
    await socket.send_json_to({"type": "input_text", "text": "x" * 2001})
    assert (await receive_until(socket, "error"))["code"] == "text_too_long"
    await socket.send_json_to({"type": "response.cancel", "heard_text": 5})
    assert (await receive_until(socket, "error"))["code"] == "invalid_field"
    await socket.send_to(text_data="{not json")
    assert (await receive_until(socket, "error"))["code"] == "invalid_json"
    await socket.send_json_to({"type": "dance"})
    assert (await receive_until(socket, "error"))["code"] == "unknown_type"
    await socket.send_json_to({"type": "session.start", "avatar": avatar.pk, "context": 1})
    assert (await receive_until(socket, "error"))["code"] == "session_started"
    # Still alive and in the conversation.
    await socket.send_json_to({"type": "input_text", "text": "Here is my passport."})
    events = await collect_until(socket, "response.done")
    assert "Where are you flying to today?" in _tutor_texts(events)[0]
    await socket.disconnect()


async def test_one_open_session_per_learner(
    learner: Any, avatar: Any, practice: Any, guided: None, live_socket_ml: str
) -> None:
    first = await connect("/ws/tutor/", user=learner)
    started = await start(first, avatar, practice, audio_out=False)
    second = await connect("/ws/tutor/", user=learner)
    await second.send_json_to(
        {"type": "session.start", "avatar": avatar.pk, "context": practice.pk}
    )
    error = await receive_until(second, "error")
    assert error["code"] == "session_active" and error["session"] == started["session"]
    await first.disconnect()
    # The other socket takes the open session over (e.g. after a reload).
    await second.send_json_to({"type": "session.start", "session": started["session"]})
    resumed = await receive_until(second, "session.started")
    assert resumed["resumed"] is True and resumed["session"] == started["session"]
    await second.disconnect()


async def test_no_credits_is_refused_with_how_to_get_them(
    student: Any, avatar: Any, practice: Any, guided: None, live_socket_ml: str
) -> None:
    from credits.models import FeaturePrice

    await sync_to_async(
        lambda: FeaturePrice.objects.filter(feature="voice-tutor").update(credits_per_unit=100000)
    )()
    socket = await connect("/ws/tutor/", user=student)
    await socket.send_json_to(
        {"type": "session.start", "avatar": avatar.pk, "context": practice.pk}
    )
    error = await receive_until(socket, "error")
    assert error["code"] == "no_credits" and "/wallet/" in error["message"]
    await socket.disconnect()


async def test_ml_service_down_fails_the_turn_not_the_session(
    learner: Any, avatar: Any, practice: Any, guided: None, live_socket_ml: str, settings: Any
) -> None:
    from voice_tutor.models import Speaker, TutorSession, TutorTurn

    socket = await connect("/ws/tutor/", user=learner)
    started = await start(socket, avatar, practice)
    await receive_until(socket, "response.done", timeout=30)
    pk = int(started["session"])
    settings.ML_URL = "http://127.0.0.1:9"  # nothing listens: connection refused

    # The reply cannot be spoken: a clear error, the session is interrupted (resumable) and
    # the failed turn is marked so that it is not billed.
    await socket.send_json_to({"type": "input_text", "text": "Here is my passport."})
    events = await collect_until(socket, "error", timeout=60)
    error = events[-1]
    assert error["code"] == "ml_unavailable" and "Nothing was charged" in error["message"]
    # The tutor's text still arrived (the learner reads what could not be said).
    assert "Where are you flying to today?" in _tutor_texts(events)[0]
    assert not [e for e in events if e["type"] == "audio"]
    assert (await receive_until(socket, "state"))["state"] == "listening"
    session = await sync_to_async(TutorSession.objects.get)(pk=pk)
    assert session.status == "interrupted"
    failed = await sync_to_async(
        lambda: list(TutorTurn.objects.filter(session_id=pk, failed=True).values_list("text"))
    )()
    assert failed == [("Here is my passport.",)]
    # Audio with the streaming endpoint down: the same clear error, and the socket stays.
    await socket.send_to(bytes_data=bytes(FRAME))
    assert (await receive_until(socket, "error", timeout=30))["code"] == "ml_unavailable"

    # The reply was written (and shown) before its speech failed: the conversation goes on
    # from it once the service is back.
    settings.ML_URL = live_socket_ml
    await socket.send_json_to({"type": "input_text", "text": "I'm flying to Paris."})
    events = await collect_until(socket, "response.done", timeout=60)
    assert "window seat or an aisle seat" in _tutor_texts(events)[0]
    assert [e for e in events if e["type"] == "audio"]
    session = await sync_to_async(TutorSession.objects.get)(pk=pk)
    assert session.status == "active"
    await socket.disconnect()
    speakers = await sync_to_async(
        lambda: list(
            TutorTurn.objects.filter(session_id=pk, failed=False)
            .order_by("seq")
            .values_list("speaker", flat=True)
        )
    )()
    assert speakers == [Speaker.TUTOR, Speaker.TUTOR, Speaker.LEARNER, Speaker.TUTOR]


@pytest.fixture
def stalled_ml() -> Iterator[str]:
    """An ML address that accepts connections and never answers: a stage timing out."""
    import socket as sockets

    server = sockets.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()


async def test_speech_timing_out_keeps_the_text_and_the_script_position(
    learner: Any,
    avatar: Any,
    practice: Any,
    guided: None,
    live_socket_ml: str,
    stalled_ml: str,
    settings: Any,
) -> None:
    """Guided mode, the tutor's speech times out: the reply's text arrives, the learner is told,
    the time of the failed turn is not billed, and the next answer moves the script on from the
    step the unspoken reply asked (neither repeated nor skipped)."""
    from voice_tutor.models import Speaker, TutorSession, TutorTurn

    socket = await connect("/ws/tutor/", user=learner)
    started = await start(socket, avatar, practice)
    await receive_until(socket, "response.done", timeout=30)
    await socket.send_json_to({"type": "playback.done"})
    pk = int(started["session"])
    timeout = settings.ML_TIMEOUT_SECONDS
    settings.ML_URL = stalled_ml
    settings.ML_TIMEOUT_SECONDS = 1.0

    await socket.send_json_to({"type": "input_text", "text": "Here is my passport."})
    events = await collect_until(socket, "error", timeout=60)
    assert events[-1]["code"] == "ml_unavailable"
    assert "Where are you flying to today?" in _tutor_texts(events)[0]
    assert not [e for e in events if e["type"] == "audio"]
    session = await sync_to_async(TutorSession.objects.get)(pk=pk)
    assert session.status == "interrupted" and session.failure_code == "ml_unavailable"
    assert session.unbilled_seconds >= 1.0  # the timed-out speech is not billed time

    settings.ML_URL = live_socket_ml
    settings.ML_TIMEOUT_SECONDS = timeout
    await socket.send_json_to({"type": "input_text", "text": "I'm flying to Paris."})
    events = await collect_until(socket, "response.done", timeout=60)
    reply = _tutor_texts(events)[0]
    assert "window seat or an aisle seat" in reply and "flying to today" not in reply
    assert [e for e in events if e["type"] == "audio"]
    await socket.disconnect()
    turns = await sync_to_async(
        lambda: list(
            TutorTurn.objects.filter(session_id=pk).order_by("seq").values_list("speaker", "text")
        )
    )()
    tutor = [text for speaker, text in turns if speaker == Speaker.TUTOR]
    assert sum("Where are you flying to today?" in text for text in tutor) == 1
    assert [speaker for speaker, _ in turns] == [Speaker.TUTOR, Speaker.LEARNER] * 2 + [
        Speaker.TUTOR
    ]


# --- billing ----------------------------------------------------------------------------------


async def test_every_started_minute_is_charged_and_the_end_is_announced(
    learner: Any, avatar: Any, practice: Any, guided: None, live_socket_ml: str, settings: Any
) -> None:
    from credits.models import UsageCharge
    from voice_tutor.models import TutorSession

    settings.VOICE_TUTOR_CHARGE_INTERVAL_SECONDS = 0.2
    settings.VOICE_TUTOR_MAX_SECONDS = 150
    socket = await connect("/ws/tutor/", user=learner)
    started = await start(socket, avatar, practice, audio_out=False)
    pk = int(started["session"])
    assert await sync_to_async(UsageCharge.objects.filter(user=learner).count)() == 1
    # Two minutes and 20 s have passed (moved back in time rather than waited for): the
    # second and third minutes are charged, 10 s are left of the 150 s maximum.
    await sync_to_async(
        lambda: TutorSession.objects.filter(pk=pk).update(
            started_at=TutorSession.objects.get(pk=pk).started_at - timedelta(seconds=140)
        )
    )()
    warning = await receive_until(socket, "credits.warning", timeout=10)
    assert 0 < warning["seconds_left"] <= 10
    assert await sync_to_async(UsageCharge.objects.filter(user=learner).count)() == 3
    ended = await receive_until(socket, "session.ended", timeout=30)
    assert ended["reason"] == "limit" and ended["report_ready"] is True
    await socket.disconnect()
    assert await sync_to_async(UsageCharge.objects.filter(user=learner).count)() == 3


# --- authentication ---------------------------------------------------------------------------


def _login(email: str) -> str:
    response = APIClient().post(
        f"{AUTH}/auth/login", {"email": email, "password": "correct-horse-battery"}, format="json"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["meta"]["access_token"])


def _cookie(user: Any) -> bytes:
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}".encode()


async def test_token_without_origin_cookie_with_origin_and_anonymous_refused(
    learner: Any, avatar: Any, practice: Any, guided: None, live_socket_ml: str
) -> None:
    token = await sync_to_async(_login)(learner.email)
    socket = await connect(f"/ws/tutor/?token={token}", origin=None)  # a native app
    started = await start(socket, avatar, practice, audio_out=False)
    await socket.send_json_to({"type": "session.end"})
    await receive_until(socket, "session.ended", timeout=30)
    await socket.disconnect()
    assert started["session"]

    cookie = await sync_to_async(_cookie)(learner)
    socket = await connect("/ws/tutor/", headers=[(b"cookie", cookie)])
    await socket.send_json_to({"type": "ping"})
    assert (await receive_until(socket, "pong"))["type"] == "pong"
    await socket.disconnect()
    assert await refused("/ws/tutor/", headers=[(b"cookie", cookie)], origin=None) == 4403
    assert (
        await refused("/ws/tutor/", headers=[(b"cookie", cookie)], origin=b"https://evil.test")
        == 4403
    )
    assert await refused("/ws/tutor/") == 4401
    assert await refused("/ws/tutor/?token=not-a-token", origin=None) == 4401
