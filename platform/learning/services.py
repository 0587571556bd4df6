"""Writes: exercise attempts, voice assessment results and lesson completion.

A lesson and its translations count as one lesson: attempts in any translation count
towards it, and there is one progress row (keyed by the translation_key) for all of them.

Completion rule: a lesson can be completed once every exercise in its live body has at least
one attempt (a voice attempt still waiting for its assessment counts: the learner did the
work). A lesson without exercises can be completed at any time. The lesson's score is the
percent of its points earned, counting each exercise's best scored attempt; it never goes
down, and a voice score that arrives after completion still raises it.
"""

from __future__ import annotations

import logging
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from rest_framework import exceptions

from ai import client as ai_client
from ai.errors import AIInputRejected
from cms.learning.models import LessonPage
from core import activity, dispatch
from core.uploads import AUDIO_TYPES, RejectedUpload, checked_type, stored_name

from .errors import (
    ExerciseNotFound,
    LessonIncomplete,
)
from .models import AttemptStatus, ExerciseAttempt, LessonProgress, ProgressStatus
from .scoring import AnswerErrors, ScoreResult, score_answer, score_voice

logger = logging.getLogger(__name__)

MAX_AUDIO_BYTES = 10 * 1024 * 1024


def find_exercise(lesson: LessonPage, block_id: str) -> Any:
    for child in lesson.exercises():
        if child.id == block_id:
            return child
    raise ExerciseNotFound()


def _validation_error(
    errors: dict[str, list[str]], prefix: str = "answer"
) -> exceptions.ValidationError:
    return exceptions.ValidationError({f"{prefix}.{key}": value for key, value in errors.items()})


def _points(score: float, max_points: Decimal) -> Decimal:
    return (Decimal(str(score)) * max_points).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _score_decimal(score: float) -> Decimal:
    return Decimal(str(score)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


@transaction.atomic
def record_attempt(
    user: Any, lesson: LessonPage, block_id: str, answer: Any, time_spent_seconds: int = 0
) -> ExerciseAttempt:
    """Scores a JSON answer at once (every exercise type but voice)."""
    child = find_exercise(lesson, block_id)
    definition = child.block.definition(child.value)
    if definition["type"] == "voice":
        raise exceptions.ValidationError({"audio": ["Send the recording as a multipart file."]})
    try:
        result = score_answer(definition, answer)
    except AnswerErrors as exc:
        raise _validation_error(exc.errors) from exc
    max_points = Decimal(definition["points"])
    attempt = ExerciseAttempt.objects.create(
        user=user,
        lesson=lesson,
        block_id=block_id,
        exercise_type=definition["type"],
        answer=answer,
        status=AttemptStatus.SCORED,
        score=_score_decimal(result.score),
        points=_points(result.score, max_points),
        max_points=max_points,
        correct=result.correct,
        result=result.as_dict(),
        time_spent_seconds=time_spent_seconds,
        scored_at=timezone.now(),
    )
    _refresh_progress(user, lesson, add_attempt=True, add_seconds=time_spent_seconds)
    _announce_attempt(attempt, lesson)
    return attempt


def _announce_attempt(attempt: ExerciseAttempt, lesson: LessonPage) -> None:
    activity.record(
        attempt.user_id,
        "learning.exercise_attempted",
        obj=attempt,
        language=lesson.target_language,
        level=lesson.level,
        data={
            "lesson_id": lesson.pk,
            "block_id": attempt.block_id,
            "exercise_type": attempt.exercise_type,
            "score": float(attempt.score or 0),
        },
    )


@transaction.atomic
def record_voice_attempt(
    user: Any, lesson: LessonPage, block_id: str, audio: UploadedFile, time_spent_seconds: int = 0
) -> ExerciseAttempt:
    """Stores the recording as pending assessment; a Celery task asks the ML service after
    commit and retries while it is unavailable."""
    child = find_exercise(lesson, block_id)
    definition = child.block.definition(child.value)
    if definition["type"] != "voice":
        raise exceptions.ValidationError({"answer": ["This exercise takes a JSON answer."]})
    if audio.size is not None and audio.size > MAX_AUDIO_BYTES:
        raise exceptions.ValidationError({"audio": ["The recording is larger than 10 MB."]})
    if audio.size == 0:
        raise exceptions.ValidationError({"audio": ["The recording is empty."]})
    try:
        # The content decides; the client's name and declared type are never used.
        mime = checked_type(audio, AUDIO_TYPES)
    except RejectedUpload as exc:
        raise exceptions.ValidationError(
            {"audio": [f"Send an audio recording (this file's content is {exc.mime})."]}
        ) from exc
    attempt = ExerciseAttempt(
        user=user,
        lesson=lesson,
        block_id=block_id,
        exercise_type="voice",
        answer={"content_type": mime, "size": audio.size},
        status=AttemptStatus.PENDING,
        max_points=Decimal(definition["points"]),
        time_spent_seconds=time_spent_seconds,
    )
    attempt.audio.save(stored_name(mime, attempt.id.hex), audio, save=False)
    attempt.save()
    _refresh_progress(user, lesson, add_attempt=True, add_seconds=time_spent_seconds)

    dispatch.enqueue_on_commit("learning.tasks.assess_voice_attempt", str(attempt.id))
    return attempt


def assess_voice_attempt(attempt_id: str) -> ExerciseAttempt | None:
    """Sends a pending recording to the ML service and stores the score. Raises
    ``ai.errors.AIUnavailable`` when the service cannot answer now (the caller retries
    later)."""
    attempt = (
        ExerciseAttempt.objects.filter(id=attempt_id, status=AttemptStatus.PENDING)
        .select_related("lesson")
        .first()
    )
    if attempt is None:
        return None
    lesson = attempt.lesson
    try:
        child = find_exercise(lesson, attempt.block_id)
    except ExerciseNotFound:
        return _store_voice_result(attempt.id, None, "This exercise was removed from the lesson.")
    definition = child.block.definition(child.value)
    with attempt.audio.open("rb") as recording:
        data = recording.read()
    ExerciseAttempt.objects.filter(id=attempt.id).update(
        assessment_tries=attempt.assessment_tries + 1
    )
    try:
        assessment = ai_client.assess_pronunciation(
            data,
            filename=(attempt.audio.name or "").rsplit("/", 1)[-1],
            content_type=attempt.answer.get("content_type") or "application/octet-stream",
            expected_text=definition["expected_text"],
            language=definition["language"],
        )
    except AIInputRejected as exc:
        return _store_voice_result(attempt.id, None, str(exc.detail), definition=definition)
    return _store_voice_result(
        attempt.id, score_voice(definition, assessment), assessment=assessment
    )


@transaction.atomic
def _store_voice_result(
    attempt_id: Any,
    result: ScoreResult | None,
    rejection: str = "",
    *,
    definition: dict[str, Any] | None = None,
    assessment: dict[str, Any] | None = None,
) -> ExerciseAttempt | None:
    attempt = ExerciseAttempt.objects.select_for_update().filter(id=attempt_id).first()
    if attempt is None or attempt.status != AttemptStatus.PENDING:
        return attempt  # already scored by a concurrent run: tasks are idempotent
    if result is None:
        # A recording the service cannot assess (silence, unreadable) scores nothing.
        feedback = rejection or "The recording could not be assessed."
        result = ScoreResult(score=0.0, correct=False, feedback=feedback)
    attempt.status = AttemptStatus.SCORED
    attempt.score = _score_decimal(result.score)
    attempt.points = _points(result.score, attempt.max_points)
    attempt.correct = result.correct
    attempt.result = {
        **result.as_dict(),
        **(
            {"assessment": {k: assessment.get(k) for k in ("recognized_text", "scores", "fluency")}}
            if assessment
            else {}
        ),
    }
    attempt.scored_at = timezone.now()
    attempt.save(update_fields=["status", "score", "points", "correct", "result", "scored_at"])
    _refresh_progress(attempt.user, attempt.lesson, add_attempt=False, add_seconds=0)
    _announce_attempt(attempt, attempt.lesson)
    return attempt


def _attempts_at(user: Any, lesson: LessonPage) -> Any:
    """The learner's attempts at this lesson in any of its translations (wagtail-localize
    keeps the block ids of the source in every translation)."""
    return ExerciseAttempt.objects.filter(user=user, lesson__translation_key=lesson.translation_key)


def _refresh_progress(
    user: Any, lesson: LessonPage, *, add_attempt: bool, add_seconds: int
) -> LessonProgress:
    key = lesson.translation_key
    LessonProgress.objects.get_or_create(
        user=user, translation_key=key, defaults={"lesson": lesson}
    )
    progress = LessonProgress.objects.select_for_update().get(user=user, translation_key=key)
    progress.lesson = lesson
    exercises = lesson.exercises()
    maximum = {
        child.id: Decimal(child.block.definition(child.value)["points"]) for child in exercises
    }
    best = dict(
        _attempts_at(user, lesson)
        .filter(status=AttemptStatus.SCORED, block_id__in=list(maximum))
        .values("block_id")
        .annotate(best=Max("points"))
        .values_list("block_id", "best")
    )
    total = sum(maximum.values())
    earned = sum(
        min(best.get(block_id) or Decimal(0), points) for block_id, points in maximum.items()
    )
    percent = (earned / total * 100).quantize(Decimal("0.01")) if total else Decimal(0)
    progress.best_score = max(progress.best_score, percent)
    if add_attempt:
        progress.attempt_count += 1
    progress.time_spent_seconds += max(0, add_seconds)
    progress.save()
    return progress


@transaction.atomic
def complete_lesson(user: Any, lesson: LessonPage, time_spent_seconds: int = 0) -> LessonProgress:
    attempted = set(_attempts_at(user, lesson).values_list("block_id", flat=True))
    remaining = [child.id for child in lesson.exercises() if child.id not in attempted]
    if remaining:
        raise LessonIncomplete(
            f"Answer every exercise before completing the lesson ({len(remaining)} left)."
        )
    progress = _refresh_progress(user, lesson, add_attempt=False, add_seconds=time_spent_seconds)
    first_time = progress.status != ProgressStatus.COMPLETED
    if first_time:
        progress.status = ProgressStatus.COMPLETED
        progress.completed_at = timezone.now()
        progress.save(update_fields=["status", "completed_at", "lesson", "last_activity_at"])
    activity.record(
        user,
        "learning.lesson_completed",
        obj=lesson,
        language=lesson.target_language,
        level=lesson.level,
        data={
            "lesson_id": lesson.pk,
            "translation_key": str(lesson.translation_key),
            "parent_path": lesson.path[: -lesson.steplen],
            "score": float(progress.best_score),
            "time_spent_seconds": max(0, time_spent_seconds),
            "first_time": first_time,
        },
    )
    return progress
