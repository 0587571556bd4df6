"""Speech to text and text to speech with the packaged models."""

from __future__ import annotations

import io
from collections.abc import Callable

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient
from ml_fakes import wav_bytes

from ml.audio import decode, encode


def transcribe(client: TestClient, data: bytes, name: str = "a.wav", **form: object):
    return client.post("/v1/audio/transcriptions", files={"file": (name, data)}, data=form or None)


def words_of(text: str) -> list[str]:
    return [w.strip(".,!?").lower() for w in text.split()]


def test_espeak_speech_is_transcribed(ml_client: TestClient, espeak_wav: Callable[..., bytes]):
    response = transcribe(ml_client, espeak_wav("I would like a cup of tea."))
    assert response.status_code == 200, response.text
    said = words_of(response.json()["text"])
    assert {"like", "cup", "tea"} <= set(said)


def test_verbose_json_has_words_with_probabilities(
    ml_client: TestClient, espeak_wav: Callable[..., bytes]
) -> None:
    response = transcribe(
        ml_client,
        espeak_wav("Good morning, my friend."),
        response_format="verbose_json",
        **{"timestamp_granularities[]": ["word", "segment"]},
    )
    body = response.json()
    assert body["language"] == "english" and body["duration"] > 0.5
    assert body["segments"] and body["words"]
    word = body["words"][0]
    assert {"word", "start", "end", "probability"} <= set(word)
    assert 0 <= word["probability"] <= 1
    assert "morning" in [w["word"].strip(".,").lower() for w in body["words"]]


def test_text_format_and_browser_opus(ml_client: TestClient, espeak_wav: Callable[..., bytes]):
    decoded = decode(espeak_wav("Thank you very much."), max_seconds=60)
    ogg = encode(decoded.samples, 16_000, "opus")
    response = transcribe(ml_client, ogg, "recording.ogg", response_format="text")
    assert response.status_code == 200
    assert "thank" in response.text.lower()


def test_spanish_with_multilingual_model(
    ml_client: TestClient, espeak_wav: Callable[..., bytes]
) -> None:
    response = transcribe(
        ml_client, espeak_wav("Buenos días, me llamo Juan.", voice="es"), language="es"
    )
    assert response.status_code == 200
    assert "juan" in response.json()["text"].lower()


def test_without_a_language_the_language_is_detected(
    ml_client: TestClient, espeak_wav: Callable[..., bytes]
) -> None:
    """No ``language``: a multilingual model listens (not the English-only default), so
    Spanish speech comes back as Spanish words and ``spanish``."""
    response = transcribe(
        ml_client,
        espeak_wav("Buenos días, me llamo Juan.", voice="es"),
        response_format="verbose_json",
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["language"] == "spanish" and body["model"] == "base"
    assert "juan" in body["text"].lower()


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"", 400, "empty_audio"),
        (b"RIFF this is not audio at all" * 50, 400, "invalid_audio"),
        (wav_bytes(np.zeros(16_000 * 3)), 422, "no_speech"),
    ],
    ids=["empty", "not-audio", "silence"],
)
def test_bad_audio_is_refused(ml_client: TestClient, data: bytes, status: int, code: str):
    response = transcribe(ml_client, data)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


def test_hour_long_upload_is_refused(ml_client: TestClient) -> None:
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp3") as container:
        stream = container.add_stream("libmp3lame", rate=8000, layout="mono")
        stream.bit_rate = 8000
        frame_samples = np.zeros((1, 8000 * 60), dtype=np.int16)
        for minute in range(60):
            frame = av.AudioFrame.from_ndarray(frame_samples, format="s16", layout="mono")
            frame.sample_rate = 8000
            frame.pts = minute * 8000 * 60
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    response = transcribe(ml_client, buffer.getvalue(), "long.mp3")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "audio_too_long"


def test_piper_speech_transcribes_back(ml_client: TestClient) -> None:
    speech = ml_client.post(
        "/v1/audio/speech",
        json={"model": "tts-1", "input": "Where is the train station?", "voice": "alloy",
              "response_format": "wav"},
    )  # fmt: skip
    assert speech.status_code == 200
    assert speech.headers["content-type"] == "audio/wav"
    assert speech.headers["x-voice"] == "en_US-joe-medium"
    said = words_of(transcribe(ml_client, speech.content).json()["text"])
    assert {"train", "station"} <= set(said)


@pytest.mark.parametrize("fmt", ["mp3", "opus"])
def test_speech_formats_and_espeak_voices(ml_client: TestClient, fmt: str) -> None:
    response = ml_client.post(
        "/v1/audio/speech",
        json={"input": "Hola, ¿qué tal?", "voice": "es", "response_format": fmt, "speed": 1.2},
    )
    assert response.status_code == 200
    assert response.headers["x-voice"] == "espeak:es"
    assert decode(response.content, max_seconds=60).duration > 0.3


@pytest.mark.parametrize(
    ("voice", "expected"),
    [("en", "en_US-joe-medium"), ("en-us", "en_US-joe-medium"), ("en-gb", "espeak:en-gb"),
     ("pt", "espeak:pt"), ("fr", "espeak:fr-fr")],
)  # fmt: skip
def test_a_language_code_without_region_finds_a_voice(
    ml_client: TestClient, voice: str, expected: str
) -> None:
    """The platform asks for a bare language ("en"): a voice of any region of it answers,
    Piper first."""
    response = ml_client.post("/v1/audio/speech", json={"input": "Hello.", "voice": voice})
    assert response.status_code == 200, response.text
    assert response.headers["x-voice"] == expected


def test_unknown_voice_is_a_clear_400(ml_client: TestClient) -> None:
    response = ml_client.post("/v1/audio/speech", json={"input": "Hi", "voice": "nobody-xx"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "voice_not_found"


def test_speech_anywhere_in_a_long_clip_is_found_and_noise_is_not(espeak_wav) -> None:
    """The transcription endpoint's speech check stops at the first window with speech; it
    must still find speech late in a clip and across a window edge, and not in noise."""
    from ml.audio import DecodedAudio, decode, has_speech

    words = decode(espeak_wav("Where is the station?"), max_seconds=60).samples
    rate = 16_000

    def clip(silence_before: float, total: float = 20.0) -> DecodedAudio:
        samples = np.zeros(int(total * rate), dtype=np.float32)
        start = int(silence_before * rate)
        samples[start : start + len(words)] = words[: len(samples) - start]
        return DecodedAudio(samples)

    assert has_speech(clip(0.0))
    assert has_speech(clip(17.0))  # only at the end
    assert has_speech(clip(3.3))  # across the first window's edge (3.5-4.0 s overlap)
    assert not has_speech(DecodedAudio(np.zeros(20 * rate, dtype=np.float32)))
    noise = np.random.default_rng(7).normal(0, 0.01, 20 * rate).astype(np.float32)
    assert not has_speech(DecodedAudio(noise))
