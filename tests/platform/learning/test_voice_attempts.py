"""Voice attempts: pending until the ML service answers, retried while it is down. Against the
real ML service (slow: few tests)."""

import subprocess
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ai.errors import AIUnavailable
from learning import services
from learning.models import AttemptStatus, ExerciseAttempt

VOICE = {
    "prompt": "Read aloud",
    "expected_text": "Good morning, how are you?",
    "language": "en",
    "show_text": True,
    "pass_score": 50,
    "points": 2,
    "hints": [],
    "feedback_correct": "Great!",
    "feedback_incorrect": "",
}


def speech(tmp_path: Path, text: str) -> bytes:
    path = tmp_path / "speech.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(path), text], check=True)
    return path.read_bytes()


@pytest.mark.django_db
def test_a_voice_attempt_stays_pending_while_the_ml_service_is_down(
    api_client, student, make_lesson, settings, tmp_path
) -> None:
    settings.ML_URL = "http://127.0.0.1:1"
    lesson = make_lesson("Speak", body=[("voice", VOICE)])
    block_id = lesson.exercises()[0].id
    api_client.force_login(student)
    response = api_client.post(
        f"/api/v1/lessons/{lesson.id}/exercises/{block_id}/attempts/",
        {"audio": SimpleUploadedFile("a.wav", speech(tmp_path, "Good morning"), "audio/wav")},
        format="multipart",
    )
    assert response.status_code == 202
    attempt_id = response.json()["id"]
    with pytest.raises(AIUnavailable):
        services.assess_voice_attempt(attempt_id)
    attempt = ExerciseAttempt.objects.get(id=attempt_id)
    assert attempt.status == AttemptStatus.PENDING
    assert attempt.assessment_tries == 1


@pytest.mark.django_db
def test_a_voice_attempt_is_scored_by_the_real_ml_service(
    api_client,
    student,
    make_lesson,
    settings,
    tmp_path,
    ml_service_url,
    django_capture_on_commit_callbacks,
) -> None:
    """The request enqueues the assessment after commit; the task itself runs here, in
    process, against the real service (tests/e2e/test_lessons_player.py runs it through a
    real Celery worker)."""
    from learning.tasks import assess_voice_attempt

    settings.ML_URL = ml_service_url
    lesson = make_lesson("Speak", body=[("voice", VOICE)])
    block_id = lesson.exercises()[0].id
    api_client.force_login(student)
    with (
        mock.patch.object(assess_voice_attempt, "delay") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = api_client.post(
            f"/api/v1/lessons/{lesson.id}/exercises/{block_id}/attempts/",
            {
                "audio": SimpleUploadedFile(
                    "a.wav", speech(tmp_path, "Good morning, how are you?"), "audio/wav"
                )
            },
            format="multipart",
        )
    assert response.status_code == 202
    attempt_id = response.json()["id"]
    enqueue.assert_called_once_with(attempt_id)

    assess_voice_attempt.apply(args=[attempt_id]).get()

    body = api_client.get(f"/api/v1/attempts/{attempt_id}/").json()
    assert body["status"] == "scored"
    assert body["score"] >= 50
    assert body["correct"] is True
    assert body["feedback"] == "Great!"
    assert "good morning" in body["assessment"]["recognized_text"].lower()
    assert float(api_client.get("/api/v1/progress/").json()["results"][0]["best_score"]) >= 50
