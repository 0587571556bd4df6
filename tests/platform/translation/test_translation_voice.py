"""Voice translation through the real ML service (faster-whisper, apertium, piper/espeak), and
the bad recordings that must get a clear 4xx and cost nothing."""

import base64
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from credits.models import UsageCharge

URL = "/api/v1/translate/voice/"
pytestmark = pytest.mark.django_db


def espeak(tmp_path: Path, text: str) -> bytes:
    out = tmp_path / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(out), text], check=True)
    return out.read_bytes()


def wav(samples: np.ndarray, rate: int = 16_000) -> bytes:
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes((samples * 32767).astype("<i2").tobytes())
    return buffer.getvalue()


def test_speech_is_transcribed_translated_and_spoken(
    api_client: Any, funded: Any, live_ml: str, tmp_path: Path, balance: Any
) -> None:
    audio = SimpleUploadedFile("turn.wav", espeak(tmp_path, "Good morning, my friend."))
    api_client.force_login(funded)
    response = api_client.post(URL, {"audio": audio, "target": "es", "source": "en"},
                               format="multipart")  # fmt: skip
    assert response.status_code == 200, response.json()
    body = response.json()
    assert "morning" in body["transcript"].lower()
    assert "buenos" in body["translated_text"].lower()
    mp3 = base64.b64decode(body["audio"]["data"])
    assert mp3[:3] == b"ID3" or mp3[0] == 0xFF  # an MP3 stream
    seconds = UsageCharge.objects.get(user=funded).units
    assert seconds >= 1
    assert balance(funded) == Decimal("10") - seconds * Decimal("0.02")


@pytest.mark.parametrize(
    ("name", "content", "status", "code"),
    [
        ("empty.wav", b"", 400, "validation_error"),
        ("fake.wav", b"This is not audio at all, just text bytes." * 50, 400, "invalid_audio"),
        ("silence.wav", wav(np.zeros(16_000 * 3)), 422, "no_speech"),
    ],
)
def test_bad_recordings_are_rejected_and_free(
    api_client: Any, funded: Any, live_ml: str, name: str, content: bytes, status: int, code: str
) -> None:
    api_client.force_login(funded)
    audio = SimpleUploadedFile(name, content)
    response = api_client.post(URL, {"audio": audio, "target": "es"}, format="multipart")
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert not UsageCharge.objects.exists()


def test_an_hour_long_recording_is_refused(api_client: Any, funded: Any, live_ml: str) -> None:
    import io
    import wave

    # A real hour of 8-bit audio at 1 kHz: 3.6 MB, under the upload size limit, so it is the
    # service's duration limit that refuses it.
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(1)
        handle.setframerate(1000)
        handle.writeframes(b"\x80" * 3600 * 1000)
    api_client.force_login(funded)
    audio = SimpleUploadedFile("hour.wav", buffer.getvalue())
    response = api_client.post(URL, {"audio": audio, "target": "es"}, format="multipart")
    assert response.status_code == 413, response.json()
    assert response.json()["code"] == "audio_too_long"
    assert not UsageCharge.objects.exists()


def test_an_oversized_upload_is_refused_before_the_service(
    api_client: Any, funded: Any, ml_down: str
) -> None:
    api_client.force_login(funded)
    with override_settings(AI_MAX_AUDIO_BYTES=1024):
        audio = SimpleUploadedFile("big.wav", b"\0" * 2048)
        response = api_client.post(URL, {"audio": audio, "target": "es"}, format="multipart")
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
