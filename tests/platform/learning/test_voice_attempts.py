"""Voice attempts: pending until the ML service answers, retried while it is down. Against the
real ML service (slow: few tests)."""

import subprocess
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from learning import services
from learning.ml import MLUnavailable
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
    with pytest.raises(MLUnavailable):
        services.assess_voice_attempt(attempt_id)
    attempt = ExerciseAttempt.objects.get(id=attempt_id)
    assert attempt.status == AttemptStatus.PENDING
    assert attempt.assessment_tries == 1


# Transactional (the worker reads committed rows); serialized_rollback restores the groups,
# locales and root page that data migrations made, in case an earlier test flushed them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_voice_attempt_is_scored_by_the_real_ml_service(
    api_client, student, make_lesson, settings, tmp_path, ml_service_url, celery_worker
) -> None:
    settings.ML_URL = ml_service_url
    lesson = make_lesson("Speak", body=[("voice", VOICE)])
    block_id = lesson.exercises()[0].id
    api_client.force_login(student)
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
    url = f"/api/v1/attempts/{response.json()['id']}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        body = api_client.get(url).json()
        if body["status"] == "scored":
            break
        time.sleep(0.5)
    assert body["status"] == "scored", "the Celery worker asked the ML service"
    assert body["score"] >= 50
    assert body["correct"] is True
    assert body["feedback"] == "Great!"
    assert "good morning" in body["assessment"]["recognized_text"].lower()
    assert float(api_client.get("/api/v1/progress/").json()["results"][0]["best_score"]) >= 50
