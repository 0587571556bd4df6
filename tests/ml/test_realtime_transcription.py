"""``WS /v1/realtime/transcription`` over a real socket (uvicorn on loopback), fed real
espeak-ng speech resampled to 16 kHz PCM16 with sox and streamed in 20-40 ms frames."""

from __future__ import annotations

import base64
import functools
import json
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from ml_fakes import serve
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from ml.api import realtime as realtime_api
from ml.main import create_app
from ml.realtime import Tentative, Turn, TurnDetector, only_fillers
from ml.settings import Settings

KEY = "realtime-test-key"
RATE = 16_000
COMPLETED = "conversation.item.input_audio_transcription.completed"
IGNORED = "conversation.item.input_audio_transcription.ignored"


@functools.cache
def speech(text: str, voice: str = "en-us", speed: int = 140) -> bytes:
    """espeak-ng speech as 16 kHz PCM16 LE mono, leading and trailing silence trimmed."""
    with tempfile.TemporaryDirectory() as folder:
        wav, raw = Path(folder) / "s.wav", Path(folder) / "s.raw"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(wav), text], check=True
        )
        subprocess.run(
            ["sox", str(wav), "-r", str(RATE), "-b", "16", "-c", "1", "-e", "signed-integer",
             "-t", "raw", str(raw),
             "silence", "1", "0.02", "0.5%", "reverse", "silence", "1", "0.02", "0.5%", "reverse"],
            check=True,
        )  # fmt: skip
        return raw.read_bytes()


def silence(seconds: float) -> bytes:
    return bytes(int(seconds * RATE) * 2)


def frames(pcm: bytes, ms: int = 20) -> Iterator[bytes]:
    size = RATE * ms // 1000 * 2
    for start in range(0, len(pcm), size):
        yield pcm[start : start + size]


def send_audio(ws: ClientConnection, pcm: bytes, ms: int = 20) -> None:
    for frame in frames(pcm, ms):
        ws.send(frame)


def until(
    ws: ClientConnection, done: Callable[[dict[str, Any]], bool], timeout: float = 60
) -> list[dict[str, Any]]:
    """Events up to and including the first one ``done`` accepts."""
    seen: list[dict[str, Any]] = []
    while True:
        event = json.loads(ws.recv(timeout=timeout))
        seen.append(event)
        if done(event):
            return seen


def of_type(kind: str) -> Callable[[dict[str, Any]], bool]:
    return lambda event: event["type"] == kind


def words(text: str) -> list[str]:
    return [w.strip(".,!?¿¡").lower() for w in text.split()]


@pytest.fixture(scope="module")
def ws_url(ml_settings: Settings) -> Iterator[str]:
    app = create_app(replace(ml_settings, api_key=KEY))
    with serve(app) as url:
        yield url.replace("http://", "ws://") + "/v1/realtime/transcription"


@pytest.fixture
def ws(ws_url: str) -> Iterator[ClientConnection]:
    headers = {"Authorization": f"Bearer {KEY}"}
    with connect(ws_url, additional_headers=headers, open_timeout=10, max_size=None) as socket:
        created = json.loads(socket.recv(timeout=10))
        assert created["type"] == "transcription_session.created"
        yield socket


def configure(ws: ClientConnection, **session: Any) -> dict[str, Any]:
    ws.send(json.dumps({"type": "transcription_session.update", "session": session}))
    return until(ws, lambda e: e["type"] in {"transcription_session.updated", "error"})[-1]


def test_a_spoken_turn_is_detected_and_transcribed(ws: ClientConnection) -> None:
    sentence = speech("Where is the train station?")
    send_audio(ws, silence(0.5) + sentence + silence(1.5), ms=20)
    events = until(ws, of_type(COMPLETED))
    kinds = [e["type"] for e in events]
    assert kinds == [
        "input_audio_buffer.speech_started",
        "input_audio_buffer.speech_stopped",
        COMPLETED,
    ]
    started, stopped, completed = events
    # The speech begins at 0.5 s and lasts len(sentence); the VAD's edges are within a window
    # or few of that.
    assert 400 <= started["audio_start_ms"] <= 800
    spoken_end = 500 + len(sentence) * 1000 // (RATE * 2)
    assert spoken_end - 300 <= stopped["audio_end_ms"] <= spoken_end + 400
    assert {"train", "station"} <= set(words(completed["transcript"]))
    assert completed["language"] == "en" and completed["model"] == "tiny.en"
    assert completed["end_reason"] == "silence"
    assert 1.0 < completed["duration"] < 3.5
    assert 800 < completed["speech_ms"] <= completed["duration"] * 1000
    assert [w["word"].strip(".,?").lower() for w in completed["words"]][-2:] == [
        "train",
        "station",
    ]
    for word in completed["words"]:
        assert 0 <= word["start"] <= word["end"] <= completed["duration"] + 0.05
        assert 0 < word["probability"] <= 1


def test_a_hesitant_pause_shorter_than_the_budget_stays_in_the_turn(
    ws: ClientConnection,
) -> None:
    """A1 budget (1.2 s): a 0.9 s mid-sentence pause is one turn with both halves, and the
    pause is reported where it was."""
    first, second = speech("I would like to go"), speech("to the train station, please.")
    assert configure(ws, silence_duration_ms=1200)["session"]["silence_duration_ms"] == 1200
    send_audio(ws, silence(0.4) + first + silence(0.9) + second + silence(1.6), ms=30)
    events = until(ws, of_type(COMPLETED))
    assert [e["type"] for e in events].count("input_audio_buffer.speech_stopped") == 1
    said = words(events[-1]["transcript"])
    assert {"like", "go"} <= set(said) and {"train", "station"} <= set(said)
    first_end = 0.4 + len(first) / (RATE * 2)
    # Pause times are from the turn's audio start (a little before the speech started).
    turn_start = events[0]["audio_start_ms"] / 1000 - 0.32
    long_pauses = [p for p in events[-1]["pauses"] if p["end"] - p["start"] >= 0.6]
    assert len(long_pauses) == 1
    pause = long_pauses[0]
    assert abs(turn_start + pause["start"] - first_end) < 0.25
    assert 0.6 <= pause["end"] - pause["start"] <= 1.0


def test_the_same_pause_ends_the_turn_at_a_short_budget(ws: ClientConnection) -> None:
    """C1 budget (0.6 s): the same 0.9 s pause ends the turn: two transcripts."""
    first, second = speech("I would like to go"), speech("to the train station, please.")
    configure(ws, silence_duration_ms=600)
    send_audio(ws, silence(0.4) + first + silence(0.9) + second + silence(1.0), ms=30)
    one = until(ws, of_type(COMPLETED))[-1]
    two = until(ws, of_type(COMPLETED))[-1]
    assert "station" not in words(one["transcript"]) and "go" in words(one["transcript"])
    assert "station" in words(two["transcript"])
    assert two["audio_start_ms"] > one["audio_end_ms"]


def test_fillers_alone_are_not_a_turn(ws: ClientConnection) -> None:
    filler = speech("Um.", speed=110)  # tiny.en hears "Um..." (espeak's "Uhm" it hears as "Boom")
    sentence = speech("I want a coffee, please.")
    configure(ws, silence_duration_ms=800)
    send_audio(ws, silence(0.3) + filler + silence(1.2) + sentence + silence(1.2), ms=40)
    events = until(ws, of_type(COMPLETED))
    ignored = [e for e in events if e["type"] == IGNORED]
    completed = [e for e in events if e["type"] == COMPLETED]
    assert len(ignored) == 1 and ignored[0]["reason"] in {"fillers", "no_words"}, events
    assert len(completed) == 1 and "coffee" in words(completed[0]["transcript"])
    assert "uhm" not in words(completed[0]["transcript"])


def test_only_fillers_rule() -> None:
    assert only_fillers("Uhm.") and only_fillers("Um, uh... eh?") and only_fillers("")
    assert only_fillers("Este... pues") and only_fillers("Mm-hmm. Hmm.")
    assert not only_fillers("Um, I want tea.") and not only_fillers("Yes.")


def test_commit_ends_the_turn_at_once(ws: ClientConnection) -> None:
    sentence = speech("Good morning, my friend.")
    ws.send(json.dumps({"type": "input_audio_buffer.commit"}))
    error = until(ws, of_type("error"))[-1]
    assert error["error"]["code"] == "input_audio_buffer_commit_empty"
    # Push-to-talk: released right after the last word, no silence to wait for.
    send_audio(ws, silence(0.3) + sentence, ms=20)
    ws.send(json.dumps({"type": "input_audio_buffer.commit"}))
    events = until(ws, of_type(COMPLETED))
    kinds = [e["type"] for e in events]
    assert kinds.index("input_audio_buffer.speech_stopped") < kinds.index(
        "input_audio_buffer.committed"
    )
    assert events[-1]["end_reason"] == "commit"
    assert {"morning", "friend"} <= set(words(events[-1]["transcript"]))


def test_clear_drops_the_buffered_speech(ws: ClientConnection) -> None:
    dropped = speech("The weather is cold and rainy today.")
    kept = speech("How much does this ticket cost?")
    send_audio(ws, silence(0.3) + dropped[: len(dropped) // 2], ms=20)
    ws.send(json.dumps({"type": "input_audio_buffer.clear"}))
    events = until(ws, of_type("input_audio_buffer.cleared"))
    assert events[0]["type"] == "input_audio_buffer.speech_started"
    send_audio(ws, silence(2.0) + kept + silence(1.5), ms=20)
    events = until(ws, of_type(COMPLETED))
    assert [e["type"] for e in events].count("input_audio_buffer.speech_stopped") == 1
    said = set(words(events[-1]["transcript"]))
    assert {"ticket", "cost"} <= said and not {"weather", "cold", "rainy"} & said


def test_base64_append_and_a_spanish_session(ws: ClientConnection) -> None:
    updated = configure(ws, language="es", silence_duration_ms=700)
    assert updated["session"]["model"] == "base" and updated["session"]["language"] == "es"
    pcm = silence(0.3) + speech("Hola, quiero un café, por favor.", voice="es") + silence(1.2)
    for frame in frames(pcm, 40):
        ws.send(json.dumps({"type": "input_audio_buffer.append", "audio": base64.b64encode(frame).decode()}))  # fmt: skip
    completed = until(ws, of_type(COMPLETED))[-1]
    assert completed["language"] == "es"
    assert {"café", "favor"} <= set(words(completed["transcript"]))


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("{not json", "invalid_json"),
        ('["a list"]', "invalid_event"),
        ('{"type": "response.create"}', "unknown_event"),
        (b"\x01\x02\x03", "invalid_audio"),
        (bytes(32 * 1024 + 2), "frame_too_large"),
        ('{"type": "input_audio_buffer.append", "audio": "***"}', "invalid_audio"),
        ('{"type": "input_audio_buffer.append", "audio": "AAEC"}', "invalid_audio"),
        ('{"type": "transcription_session.update", "session": {"silence_duration_ms": 5}}',
         "invalid_session_config"),
        ('{"type": "transcription_session.update", "session": {"sample_rate": 44100}}',
         "invalid_session_config"),
        ('{"type": "transcription_session.update", "session": {"language": 7}}',
         "invalid_session_config"),
        ('{"type": "transcription_session.update", "session": "en"}', "invalid_session_config"),
    ],
    ids=["bad-json", "not-object", "unknown-type", "odd-pcm", "too-big", "bad-base64",
         "odd-base64", "silence-range", "sample-rate", "language", "session-shape"],
)  # fmt: skip
def test_bad_messages_get_an_error_and_the_socket_stays(
    ws: ClientConnection, message: str | bytes, code: str
) -> None:
    ws.send(message)
    error = until(ws, of_type("error"), timeout=10)[-1]
    assert error["error"]["code"] == code and error["error"]["message"]
    # Still listening, settings unchanged by the refused update.
    updated = configure(ws, min_speech_ms=200)
    assert updated["type"] == "transcription_session.updated"
    assert updated["session"]["silence_duration_ms"] == 1200
    assert updated["session"]["sample_rate"] == RATE


def test_a_32_kb_frame_is_accepted(ws: ClientConnection) -> None:
    ws.send(bytes(32 * 1024))
    ws.send(json.dumps({"type": "input_audio_buffer.commit"}))
    # Silence: nothing to commit, but the frame itself was taken without complaint.
    error = until(ws, of_type("error"), timeout=10)[-1]
    assert error["error"]["code"] == "input_audio_buffer_commit_empty"


@pytest.mark.parametrize(
    ("suffix", "headers", "allowed"),
    [
        ("", {}, False),
        ("", {"Authorization": "Bearer wrong"}, False),
        ("?key=wrong", {}, False),
        ("", {"Authorization": f"Bearer {KEY}"}, True),
        (f"?key={KEY}", {}, True),
    ],
    ids=["none", "wrong-header", "wrong-query", "header", "query"],
)
def test_the_service_key_is_required(
    ws_url: str, suffix: str, headers: dict[str, str], allowed: bool
) -> None:
    with connect(ws_url + suffix, additional_headers=headers, open_timeout=10) as socket:
        if allowed:
            assert json.loads(socket.recv(timeout=10))["type"] == "transcription_session.created"
        else:
            with pytest.raises(ConnectionClosed) as closed:
                socket.recv(timeout=10)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


def test_no_key_needed_when_none_is_configured(ml_settings: Settings) -> None:
    with serve(create_app(ml_settings)) as url:
        ws_url = url.replace("http://", "ws://") + "/v1/realtime/transcription"
        with connect(ws_url, open_timeout=10) as socket:
            assert json.loads(socket.recv(timeout=10))["type"] == "transcription_session.created"


def test_a_session_ends_at_its_time_limit(ws_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(realtime_api, "MAX_SESSION_SECONDS", 1.0)
    with connect(ws_url, additional_headers={"Authorization": f"Bearer {KEY}"}) as socket:
        until(socket, of_type("transcription_session.created"), timeout=10)
        error = until(socket, of_type("error"), timeout=10)[-1]
        assert error["error"]["code"] == "session_expired"
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=10)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008


def test_a_turn_never_runs_past_its_maximum_length() -> None:
    """The turn limit (60 s on the socket), here at 2 s: continuous speech is cut there."""
    sentence = np.frombuffer(speech("I would like a cup of tea and a piece of cake."), "<i2")
    detector = TurnDetector(silence_duration_ms=1200, max_turn_seconds=2.0)
    events = detector.feed(np.concatenate([sentence, sentence]))
    turns = [e for e in events if hasattr(e, "reason")]
    assert turns and turns[0].reason == "max_length"
    assert 1.9 <= turns[0].duration <= 2.1


def test_a_busy_engine_delays_a_turn_instead_of_dropping_it(ml_settings: Settings) -> None:
    """Speech-to-text admits one job and queues none here: two learners ending a turn at
    once both get their transcript (the second waits for the engine)."""
    from ml.settings import EngineLimits

    app = create_app(replace(ml_settings, stt_limits=EngineLimits(1, 0, 300.0)))
    pcm = silence(0.3) + speech("I would like a cup of tea, please.") + silence(1.5)
    with serve(app) as url:
        ws_url = url.replace("http://", "ws://") + "/v1/realtime/transcription"
        with connect(ws_url) as one, connect(ws_url) as two:
            for socket in (one, two):
                until(socket, of_type("transcription_session.created"), timeout=10)
            for frame in frames(pcm, 40):  # interleaved: both turns end together
                one.send(frame)
                two.send(frame)
            for socket in (one, two):
                events = until(socket, lambda e: e["type"] in {COMPLETED, "error"})
                assert events[-1]["type"] == COMPLETED, events[-1]
                assert "tea" in words(events[-1]["transcript"])


def test_a_client_leaving_mid_turn_leaves_the_service_working(ws_url: str) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    pcm = silence(0.3) + speech("Good morning, my friend.") + silence(1.5)
    with connect(ws_url, additional_headers=headers) as gone:
        until(gone, of_type("transcription_session.created"), timeout=10)
        send_audio(gone, pcm, ms=40)  # its turn is being transcribed as it leaves
    with connect(ws_url, additional_headers=headers) as socket:
        until(socket, of_type("transcription_session.created"), timeout=10)
        send_audio(socket, pcm, ms=40)
        completed = until(socket, of_type(COMPLETED))[-1]
        assert "morning" in words(completed["transcript"])


def test_the_tentative_turn_is_the_turn_that_ends_there() -> None:
    """Whisper starts on the tentative turn (silence past the post-roll, within 400 ms of the
    budget): it must be exactly the audio the final turn has, or the early transcript would
    be of different audio; a pause that does not end the turn supersedes its tentative."""
    first, second = speech("I would like to go"), speech("to the train station, please.")
    pcm = silence(0.4) + first + silence(0.9) + second + silence(1.6)
    detector = TurnDetector(silence_duration_ms=1200, early_ms=400)
    events = []
    for frame in frames(pcm, 30):
        events += detector.feed(frame)
    tentatives = [e for e in events if isinstance(e, Tentative)]
    turns = [e for e in events if isinstance(e, Turn)]
    assert len(turns) == 1 and len(tentatives) == 2  # one in the 0.9 s pause, one at the end
    last = tentatives[-1].turn
    assert np.array_equal(last.samples, turns[0].samples)
    assert last.pauses == turns[0].pauses and last.speech_end_ms == turns[0].speech_end_ms
    assert len(tentatives[0].turn.samples) < len(turns[0].samples)
    positions = {id(event): index for index, event in enumerate(events)}
    assert positions[id(tentatives[-1])] < positions[id(turns[0])]


def test_whisper_runs_during_the_silence_and_once_per_turn(
    ml_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The transcript of a turn is the one started 400 ms before the budget ran out (not a
    second run after it); a hesitant pause only costs the early run it superseded."""
    app = create_app(ml_settings)
    stt = app.state.engines.stt
    calls: list[float] = []
    real = stt.transcribe

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args[0].duration)
        return real(*args, **kwargs)

    monkeypatch.setattr(stt, "transcribe", counted)
    sentence = speech("Good morning, my friend.")
    first, second = speech("I would like to go"), speech("to the train station, please.")
    with serve(app) as url, connect(url.replace("http", "ws") + "/v1/realtime/transcription") as ws:
        early_before = early_turns(url)
        until(ws, of_type("transcription_session.created"), timeout=10)
        send_audio(ws, silence(0.3) + sentence + silence(1.5))
        completed = until(ws, of_type(COMPLETED))[-1]
        assert "morning" in words(completed["transcript"])
        assert len(calls) == 1 and abs(calls[0] - completed["duration"]) < 0.01
        assert early_turns(url) == early_before + 1  # the transcript was the early run
        send_audio(ws, silence(0.4) + first + silence(0.9) + second + silence(1.6), ms=30)
        completed = until(ws, of_type(COMPLETED))[-1]
        assert {"go", "station"} <= set(words(completed["transcript"]))
        assert len(calls) == 3  # + the superseded early run in the pause, + the turn's own
        assert abs(calls[-1] - completed["duration"]) < 0.01
        description = httpx.get(f"{url}/openapi.json").json()["info"]["description"]
        assert "/v1/realtime/transcription" in description and "speech_started" in description


def early_turns(url: str) -> float:
    """ml_realtime_turns_total{outcome="completed",transcription="early"} from /metrics."""
    for line in httpx.get(f"{url}/metrics").text.splitlines():
        labels = 'outcome="completed",transcription="early"'
        if line.startswith("ml_realtime_turns_total{") and labels in line:
            return float(line.rsplit(" ", 1)[-1])
    return 0.0
