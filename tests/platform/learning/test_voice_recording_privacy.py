"""Voice attempt uploads are judged by content and stored under our extension in the private
storage; the recording is served only to its learner and moderators (issue 14, item 2)."""

import io
import wave
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from core.uploads import private_storage
from learning.models import AttemptStatus, ExerciseAttempt

pytestmark = pytest.mark.django_db

VOICE = {
    "prompt": "Read aloud",
    "expected_text": "Good morning",
    "language": "en",
    "show_text": True,
    "pass_score": 50,
    "points": 2,
    "hints": [],
    "feedback_correct": "",
    "feedback_incorrect": "",
}
HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/users/me/')</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'


def wav_bytes() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x10" * 4000)
    return buffer.getvalue()


@pytest.fixture
def voice_url(make_lesson) -> str:
    lesson = make_lesson("Speak", body=[("voice", VOICE)])
    return f"/api/v1/lessons/{lesson.id}/exercises/{lesson.exercises()[0].id}/attempts/"


def files_under(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.mark.parametrize(
    ("name", "payload", "declared"),
    [
        ("take.html", HTML, "text/html"),
        ("take.webm", HTML, "audio/webm"),  # lies about its type: the content decides
        ("take.svg", SVG, "image/svg+xml"),
        ("take.ogg", SVG, "audio/ogg"),
    ],
)
def test_html_and_svg_recordings_are_refused_and_nothing_is_stored(
    api_client: APIClient, student, voice_url: str, name: str, payload: bytes, declared: str
) -> None:
    api_client.force_login(student)
    response = api_client.post(
        voice_url, {"audio": SimpleUploadedFile(name, payload, declared)}, format="multipart"
    )
    assert response.status_code == 400
    assert "audio" in response.json()["fields"]
    assert not ExerciseAttempt.objects.exists()
    assert files_under(Path(settings.MEDIA_ROOT) / "learning") == []
    assert not private_storage().exists(f"learning/attempts/{student.pk}")


def test_a_real_wav_is_stored_as_wav_in_the_private_storage_whatever_its_name(
    api_client: APIClient, student, voice_url: str
) -> None:
    api_client.force_login(student)
    data = wav_bytes()
    response = api_client.post(
        voice_url,
        {"audio": SimpleUploadedFile("take.html", data, "text/html")},
        format="multipart",
    )
    assert response.status_code == 202, response.content
    attempt = ExerciseAttempt.objects.get(id=response.json()["id"])
    assert attempt.status == AttemptStatus.PENDING
    assert attempt.audio.name == f"learning/attempts/{student.pk}/{attempt.id}.wav"
    assert attempt.answer["content_type"] == "audio/x-wav"
    with private_storage().open(attempt.audio.name) as stored:
        assert stored.read() == data
    assert files_under(Path(settings.MEDIA_ROOT) / "learning") == []
    # Not reachable as public media either.
    assert api_client.get(f"{settings.MEDIA_URL}{attempt.audio.name}").status_code == 404


def test_the_recording_is_served_to_its_learner_and_moderators_only(
    api_client: APIClient, student, other_student, moderator, voice_url: str
) -> None:
    api_client.force_login(student)
    data = wav_bytes()
    attempt_id = api_client.post(
        voice_url, {"audio": SimpleUploadedFile("a.wav", data, "audio/wav")}, format="multipart"
    ).json()["id"]
    url = f"/api/v1/attempts/{attempt_id}/recording/"

    answer = api_client.get(url)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == data
    assert answer["Content-Type"] == "audio/x-wav"
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Content-Disposition"] == f"inline; filename*=UTF-8''{attempt_id}.wav"
    assert answer["Cache-Control"] == "private, no-store"

    api_client.force_login(moderator)
    assert api_client.get(url).status_code == 200

    api_client.force_login(other_student)
    assert api_client.get(url).status_code == 404
    api_client.logout()
    assert api_client.get(url).status_code == 404


def test_a_recording_stored_before_sniffing_is_only_ever_a_download(
    api_client: APIClient, student, make_lesson
) -> None:
    """Rows from before this check kept the client's name and declared type: served as
    bytes to save, never as the page it claims to be."""
    lesson = make_lesson("Speak", body=[("voice", VOICE)])
    attempt = ExerciseAttempt(
        user=student,
        lesson=lesson,
        block_id=lesson.exercises()[0].id,
        exercise_type="voice",
        answer={"content_type": "text/html", "size": len(HTML)},
        status=AttemptStatus.PENDING,
        max_points=2,
    )
    attempt.audio.save("old.html", ContentFile(HTML), save=False)
    attempt.save()
    api_client.force_login(student)
    answer = api_client.get(f"/api/v1/attempts/{attempt.id}/recording/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/octet-stream"
    assert answer["Content-Disposition"].startswith("attachment;")
    assert answer["X-Content-Type-Options"] == "nosniff"


def test_on_s3_the_recording_is_a_short_signed_redirect_for_its_learner_only(
    api_client: APIClient, student, other_student, make_lesson, settings
) -> None:
    """django-storages' real S3Storage signs locally: no request reaches S3."""
    from urllib.parse import parse_qs, urlparse

    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"location": "private", "default_acl": "private", "querystring_auth": True},
        },
    }
    settings.AWS_STORAGE_BUCKET_NAME = "toto-media"
    settings.AWS_S3_REGION_NAME = "eu-west-1"
    settings.AWS_S3_ENDPOINT_URL = "https://s3.eu-west-1.amazonaws.com"
    settings.AWS_ACCESS_KEY_ID = "AKIAEXAMPLEEXAMPLE00"
    settings.AWS_SECRET_ACCESS_KEY = "secret-example"  # a placeholder: nothing is sent
    settings.AWS_S3_SIGNATURE_VERSION = "s3v4"
    lesson = make_lesson("Speak", body=[("voice", VOICE)])
    attempt = ExerciseAttempt.objects.create(
        user=student,
        lesson=lesson,
        block_id=lesson.exercises()[0].id,
        exercise_type="voice",
        answer={"content_type": "audio/ogg", "size": 10},
        audio=f"learning/attempts/{student.pk}/take.ogg",
        status=AttemptStatus.PENDING,
        max_points=2,
    )
    url = f"/api/v1/attempts/{attempt.id}/recording/"

    api_client.force_login(student)
    answer = api_client.get(url)
    assert answer.status_code == 302
    location = urlparse(answer["Location"])
    query = parse_qs(location.query)
    assert location.path.endswith(f"/private/learning/attempts/{student.pk}/take.ogg")
    assert query["X-Amz-Expires"] == ["60"]
    assert query["response-content-type"] == ["audio/ogg"]
    assert query["response-content-disposition"] == ["inline; filename*=UTF-8''take.ogg"]
    assert answer["X-Content-Type-Options"] == "nosniff"

    api_client.force_login(other_student)
    assert api_client.get(url).status_code == 404
