"""Speech synthesis as the voice tutor uses it: one sentence at a time, raw PCM or WAV, the
avatars' voices (Piper and espeak-ng variants) at a speaking rate per level."""

from __future__ import annotations

import io
import time
import wave

import pytest
from fastapi.testclient import TestClient

SENTENCE = "Where is the train station?"


def say(client: TestClient, text: str, voice: str, fmt: str = "wav", speed: float = 1.0):
    return client.post(
        "/v1/audio/speech",
        json={"input": text, "voice": voice, "response_format": fmt, "speed": speed},
    )


def words_of(text: str) -> set[str]:
    return {w.strip(".,!?¿¡").lower() for w in text.split()}


def pcm_seconds(client: TestClient, voice: str, speed: float) -> float:
    response = say(client, SENTENCE, voice, "pcm", speed)
    assert response.status_code == 200, response.text
    return len(response.content) / 2 / int(response.headers["x-sample-rate"])


@pytest.mark.parametrize("voice", ["en_US-joe-medium", "espeak:en-us+f3"])
def test_pcm_is_raw_s16le_at_the_rate_in_the_header(ml_client: TestClient, voice: str) -> None:
    pcm = say(ml_client, SENTENCE, voice, "pcm")
    wav = say(ml_client, SENTENCE, voice, "wav")
    assert pcm.status_code == wav.status_code == 200
    assert pcm.headers["content-type"].startswith("audio/pcm")
    assert pcm.headers["x-voice"] == voice
    rate = int(pcm.headers["x-sample-rate"])
    assert rate == 22_050 and wav.headers["x-sample-rate"] == "22050"
    with wave.open(io.BytesIO(wav.content)) as reader:
        assert reader.getframerate() == rate and reader.getsampwidth() == 2
        assert reader.getnchannels() == 1
        frames = reader.readframes(reader.getnframes())
    # The same samples, only without the WAV header (espeak-ng output is deterministic, and
    # so is Piper without noise randomness for the same input).
    assert len(pcm.content) % 2 == 0 and abs(len(pcm.content) - len(frames)) <= 0.2 * len(frames)
    assert 1.0 < len(pcm.content) / 2 / rate < 4.0


@pytest.mark.parametrize("voice", ["en_US-joe-medium", "espeak:en-gb", "espeak:es+f3"])
def test_speed_is_honoured(ml_client: TestClient, voice: str) -> None:
    """Piper through its length scale, espeak-ng through its words per minute: the tutor
    speaks slower to beginners."""
    normal = pcm_seconds(ml_client, voice, 1.0)
    slow = pcm_seconds(ml_client, voice, 0.7)
    fast = pcm_seconds(ml_client, voice, 1.5)
    assert slow > normal * 1.2
    assert fast < normal * 0.85


@pytest.mark.parametrize(
    ("voice", "text", "language", "expected"),
    [
        ("en_US-joe-medium", "Where is the train station?", "en", {"train", "station"}),
        ("espeak:en-us+f3", "I would like a cup of tea, please.", "en", {"cup", "tea"}),
        ("espeak:en-gb", "Good morning, how are you today?", "en", {"morning", "today"}),
        ("espeak:es+f3", "Me gusta mucho la música.", "es", {"gusta", "mucho", "música"}),
    ],
    ids=["piper-joe", "espeak-en-us-f3", "espeak-en-gb", "espeak-es-f3"],
)
def test_each_avatar_voice_is_understood_by_whisper(
    ml_client: TestClient, voice: str, text: str, language: str, expected: set[str]
) -> None:
    spoken = say(ml_client, text, voice, "wav", 0.9)
    assert spoken.status_code == 200, spoken.text
    assert spoken.headers["x-voice"] == voice
    heard = ml_client.post(
        "/v1/audio/transcriptions",
        files={"file": ("tutor.wav", spoken.content)},
        data={"language": language},
    )
    assert heard.status_code == 200, heard.text
    assert expected <= words_of(heard.json()["text"])


def test_an_unknown_espeak_variant_is_a_clear_400(ml_client: TestClient) -> None:
    response = say(ml_client, "Hello.", "espeak:en-us+nobody")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "voice_not_found"


@pytest.mark.parametrize("voice", ["en_US-joe-medium", "espeak:en-us+f3"])
def test_one_sentence_is_fast(ml_client: TestClient, voice: str) -> None:
    """A tutor sentence must be ready faster than it plays, or playback stalls between
    sentences: ~0.1 s on a quiet machine (Piper RTF ~0.03-0.06, espeak-ng ~0.02 s), up to
    ~1.5 s with five test suites sharing the 2 cores; the bound is real time itself."""
    say(ml_client, "Hello.", voice, "pcm")  # the voice is loaded once per process
    started = time.perf_counter()
    response = say(ml_client, "Great, and what would you like to drink with that?", voice, "pcm")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    audio_seconds = len(response.content) / 2 / int(response.headers["x-sample-rate"])
    assert elapsed < audio_seconds
