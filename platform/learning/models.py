"""A learner's progress through lessons, and the exercise attempts it is computed from."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from core.uploads import private_storage


class ProgressStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class LessonProgress(models.Model):
    """One row per learner and lesson, derived from their attempts (services keep it current).

    A lesson and its translations are one lesson: the row is keyed by the pages' shared
    ``translation_key``, so finishing the Spanish translation completes the English lesson
    too. ``lesson`` is the translation the learner last worked in (links go back to it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    translation_key = models.UUIDField()
    lesson = models.ForeignKey(
        "cms_learning.LessonPage", on_delete=models.CASCADE, related_name="progress_records"
    )
    status = models.CharField(
        max_length=16, choices=ProgressStatus.choices, default=ProgressStatus.IN_PROGRESS
    )
    # Percent of the lesson's points earned, counting each exercise's best attempt.
    best_score = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    attempt_count = models.PositiveIntegerField(default=0)
    time_spent_seconds = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "translation_key"], name="one_progress_per_lesson"
            ),
            models.CheckConstraint(
                condition=models.Q(best_score__gte=0, best_score__lte=100),
                name="progress_score_is_a_percentage",
            ),
        ]
        indexes = [models.Index(fields=["user", "-last_activity_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.lesson_id} · {self.status}"


class AttemptStatus(models.TextChoices):
    PENDING = "pending", "Pending assessment"
    SCORED = "scored", "Scored"


def attempt_audio_path(instance: ExerciseAttempt, filename: str) -> str:
    # ``filename`` is ours (services.record_voice_attempt: the sniffed type's extension).
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"learning/attempts/{instance.user_id}/{instance.id}.{extension[:8]}"


class ExerciseAttempt(models.Model):
    """Append-only: an answer is never edited or deleted. The only change a row ever sees is
    a pending voice attempt receiving its score (services.record_voice_assessment)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_attempts"
    )
    lesson = models.ForeignKey(
        "cms_learning.LessonPage", on_delete=models.CASCADE, related_name="attempts"
    )
    block_id = models.CharField(max_length=64)
    exercise_type = models.CharField(max_length=32)
    answer = models.JSONField(default=dict, blank=True)
    # Private: only the learner (and moderators) fetch it, through AttemptRecordingView.
    audio = models.FileField(upload_to=attempt_audio_path, storage=private_storage, blank=True)
    status = models.CharField(max_length=16, choices=AttemptStatus.choices)
    score = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    points = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    max_points = models.DecimalField(max_digits=7, decimal_places=2)
    correct = models.BooleanField(null=True)
    result = models.JSONField(default=dict, blank=True)
    time_spent_seconds = models.PositiveIntegerField(default=0)
    assessment_tries = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "lesson", "block_id"]),
            models.Index(fields=["status", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="pending", score__isnull=True)
                | models.Q(status="scored", score__isnull=False, score__gte=0, score__lte=1),
                name="attempt_scored_iff_score",
            )
        ]

    def __str__(self) -> str:
        return f"{self.exercise_type} attempt {self.id}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("Exercise attempts are append-only.")
