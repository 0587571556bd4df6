"""The person's lesson progress and exercise attempts.

On account deletion attempts are KEPT: they are append-only, and the database enforces it
(migration 0005: a trigger refuses changing what the learner sent, and deleting an attempt
unless its user row goes in the same transaction; deletion keeps the anonymised user row).
They stay pseudonymous, tied to the anonymised account only. Voice recordings are personal
in themselves, so their files are deleted from storage after the commit (the row's file
name stays, as the trigger requires; the file is gone). Progress rows are kept with them
(derived from the attempts)."""

from typing import Any

from django.db import transaction

from accounts.exporting import amount, iso
from accounts.models import User

from .models import ExerciseAttempt, LessonProgress


def export_personal_data(user: User) -> dict[str, Any]:
    return {
        "progress": [
            {
                "lesson": progress.lesson.title,
                "lesson_id": progress.lesson_id,
                "status": progress.status,
                "best_score": amount(progress.best_score),
                "attempt_count": progress.attempt_count,
                "time_spent_seconds": progress.time_spent_seconds,
                "started_at": iso(progress.started_at),
                "completed_at": iso(progress.completed_at),
            }
            for progress in LessonProgress.objects.filter(user=user)
            .select_related("lesson")
            .order_by("started_at")
        ],
        "attempts": [
            {
                "lesson_id": attempt.lesson_id,
                "block_id": attempt.block_id,
                "exercise_type": attempt.exercise_type,
                "answer": attempt.answer,
                "has_recording": bool(attempt.audio),
                "status": attempt.status,
                "score": amount(attempt.score),
                "correct": attempt.correct,
                "time_spent_seconds": attempt.time_spent_seconds,
                "created_at": iso(attempt.created_at),
            }
            for attempt in ExerciseAttempt.objects.filter(user=user).order_by("created_at")
        ],
    }


def erase_personal_data(user: User) -> None:
    recordings = list(
        ExerciseAttempt.objects.filter(user=user).exclude(audio="").values_list("audio", flat=True)
    )
    if recordings:
        transaction.on_commit(lambda: _delete_files(recordings))


def _delete_files(names: list[str]) -> None:
    from core.uploads import private_storage

    storage = private_storage()
    for name in names:
        storage.delete(name)
