"""Fixtures for social: signed-in API clients per person, and real media (a JPEG with GPS
EXIF made by Pillow, a WAV made by the wave module)."""

import io
import wave
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient


@pytest.fixture
def client_for() -> Callable[[Any], APIClient]:
    def make(user: Any) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return make


@pytest.fixture
def jpeg_with_gps() -> Callable[..., SimpleUploadedFile]:
    def make(name: str = "photo.jpg", size: tuple[int, int] = (2400, 1200)) -> SimpleUploadedFile:
        image = Image.new("RGB", size, (200, 80, 40))
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (40.0, 25.0, 0.0), 3: "W", 4: (3.0, 42.0, 0.0)}  # GPS
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", exif=exif)
        return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")

    return make


def wav_bytes(seconds: float) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x01" * int(8000 * seconds))
    return buffer.getvalue()


@pytest.fixture
def wav() -> Callable[..., SimpleUploadedFile]:
    def make(seconds: float = 2.0) -> SimpleUploadedFile:
        return SimpleUploadedFile("clip.wav", wav_bytes(seconds), content_type="audio/wav")

    return make


@pytest.fixture
def post(client_for: Callable[[Any], APIClient]) -> Callable[..., dict[str, Any]]:
    """Posts a moment through the API as ``user`` and returns its JSON."""

    def make(user: Any, text: str = "Hoy aprendí una palabra nueva", **fields: Any) -> Any:
        fields.setdefault("language", "es")
        answer = client_for(user).post("/api/v1/social/moments/", {"text": text, **fields})
        assert answer.status_code == 201, answer.json()
        return answer.json()

    return make
