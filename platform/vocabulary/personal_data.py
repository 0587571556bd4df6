"""The person's word bank, its review history and their schedule settings. All of it is
deleted on account deletion (with the spoken-word and image files)."""

from typing import Any

from accounts.exporting import iso
from accounts.models import User

from .models import DueShift, LearnerSchedule, ReviewLog, Word


def export_personal_data(user: User) -> dict[str, Any]:
    schedule = LearnerSchedule.objects.filter(user=user).first()
    return {
        "words": [
            {
                "text": word.text,
                "language": word.language,
                "translation": word.translation,
                "part_of_speech": word.part_of_speech,
                "example": word.example,
                "tags": sorted(tag.name for tag in word.tags.all()),
                "source": word.source,
                "source_ref": word.source_ref,
                "level": word.level,
                "frequency_band": word.frequency_band,
                "image_url": word.image.url if word.image else None,
                "created_at": iso(word.created_at),
                "mastered_at": iso(word.mastered_at) if word.mastered_at else None,
                "card": {
                    "due": iso(word.card.due),
                    "state": word.card.state,
                    "stability": word.card.stability,
                    "difficulty": word.card.difficulty,
                    "last_review": iso(word.card.last_review) if word.card.last_review else None,
                    "reps": word.card.reps,
                    "lapses": word.card.lapses,
                },
            }
            for word in Word.objects.filter(owner=user)
            .select_related("card")
            .prefetch_related("tags")  # type: ignore[misc]  # taggit's manager is untyped
            .order_by("created_at", "id")
        ],
        "reviews": [
            {
                "word": log.card.word.text,
                "language": log.card.word.language,
                "rating": log.rating,
                "reviewed_at": iso(log.reviewed_at),
                "duration_ms": log.duration_ms,
                "was_due": log.was_due,
            }
            for log in ReviewLog.objects.filter(owner=user)
            .select_related("card__word")
            .order_by("reviewed_at", "id")
        ],
        "due_shifts": [
            {
                "word": shift.card.word.text,
                "language": shift.card.word.language,
                "kind": shift.kind,
                "old_due": iso(shift.old_due),
                "new_due": iso(shift.new_due),
                "retrievability_before": shift.retrievability_before,
                "retrievability_after": shift.retrievability_after,
                "at": iso(shift.created_at),
            }
            for shift in DueShift.objects.filter(owner=user)
            .select_related("card__word")
            .order_by("created_at", "id")
        ],
        "schedule": None
        if schedule is None
        else {
            "desired_retention": schedule.desired_retention,
            "daily_new_limit": schedule.daily_new_limit,
            "daily_review_limit": schedule.daily_review_limit,
            "easy_days": schedule.easy_days,
            "reminder_time": schedule.reminder_time.isoformat() if schedule.reminder_time else None,
            "parameters": schedule.parameters,
            "parameters_fitted_at": iso(schedule.parameters_fitted_at)
            if schedule.parameters_fitted_at
            else None,
        },
    }


def erase_personal_data(user: User) -> None:
    for word in Word.objects.filter(owner=user).exclude(audio="", image=""):
        if word.audio:
            word.audio.delete(save=False)
        if word.image:
            word.image.delete(save=False)
    Word.objects.filter(owner=user).delete()  # and their cards, review logs and tag links
    LearnerSchedule.objects.filter(user=user).delete()
