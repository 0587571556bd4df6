"""Attempts are append-only in PostgreSQL itself (migration 0005's triggers), whatever code
path writes to the table."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from cms.learning.demo import every_exercise_body
from learning.models import AttemptStatus, ExerciseAttempt

pytestmark = pytest.mark.django_db


def as_at_commit() -> None:
    """Runs the deferred constraint triggers now, as COMMIT would."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.fixture
def attempt(api_client, student, make_lesson) -> ExerciseAttempt:
    lesson = make_lesson("Quiz", body=every_exercise_body())
    api_client.force_login(student)
    body = api_client.get(f"/api/v1/lessons/{lesson.id}/").json()["body"]
    block = next(block for block in body if block["type"] == "multiple_choice")
    response = api_client.post(
        f"/api/v1/lessons/{lesson.id}/exercises/{block['id']}/attempts/",
        {"answer": {"choices": [block["value"]["choices"][0]["id"]]}},
        format="json",
    )
    assert response.status_code == 201
    return ExerciseAttempt.objects.get(id=response.json()["id"])


@pytest.mark.parametrize(
    "change",
    [
        {"answer": {"choices": ["something else"]}},
        {"block_id": "another"},
        {"time_spent_seconds": 999},
        {"score": Decimal("1"), "points": Decimal("2"), "correct": True},
        {"result": {"feedback": "rewritten"}},
        {"status": AttemptStatus.PENDING, "score": None},
    ],
)
def test_an_answer_or_a_given_score_is_never_updated(attempt, change: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError, match="never changed"), transaction.atomic():
        ExerciseAttempt.objects.filter(id=attempt.id).update(**change)
    fresh = ExerciseAttempt.objects.get(id=attempt.id)
    assert (fresh.answer, fresh.score, fresh.result) == (
        attempt.answer,
        attempt.score,
        attempt.result,
    )


def test_a_pending_voice_attempt_receives_its_score_once(attempt) -> None:
    pending = ExerciseAttempt.objects.create(
        user=attempt.user,
        lesson=attempt.lesson,
        block_id="voice-block",
        exercise_type="voice",
        answer={"content_type": "audio/wav", "size": 10},
        status=AttemptStatus.PENDING,
        max_points=Decimal("2"),
    )
    ExerciseAttempt.objects.filter(id=pending.id).update(assessment_tries=1)
    scored = {"status": AttemptStatus.SCORED, "score": Decimal("0.8"), "points": Decimal("1.6")}
    ExerciseAttempt.objects.filter(id=pending.id).update(**scored)
    with pytest.raises(IntegrityError), transaction.atomic():
        ExerciseAttempt.objects.filter(id=pending.id).update(score=Decimal("1"))


def test_attempts_are_never_deleted(attempt) -> None:
    with pytest.raises(IntegrityError, match="never deleted"), transaction.atomic():
        ExerciseAttempt.objects.filter(id=attempt.id).delete()  # bypasses Model.delete
        as_at_commit()
    assert ExerciseAttempt.objects.filter(id=attempt.id).exists()
    with pytest.raises(TypeError):
        attempt.delete()


def test_they_go_with_their_learner_when_an_administrator_deletes_the_account(
    attempt,
) -> None:
    user = attempt.user
    with transaction.atomic():
        user.delete()
        as_at_commit()
    assert not ExerciseAttempt.objects.filter(id=attempt.id).exists()


def test_they_go_with_their_lesson_when_the_page_is_deleted(attempt) -> None:
    with transaction.atomic():
        attempt.lesson.delete()
        as_at_commit()
    assert not ExerciseAttempt.objects.filter(id=attempt.id).exists()
