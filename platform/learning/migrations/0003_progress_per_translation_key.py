"""Progress counts for a lesson whatever translation it was taken in: rows are keyed by the
pages' translation_key. Rows a learner already has in two translations of one lesson are
merged (best score, summed attempts and time, completed if either was)."""

from django.db import migrations, models


def fill_translation_keys(apps, schema_editor):
    LessonProgress = apps.get_model("learning", "LessonProgress")
    keep = {}
    for progress in LessonProgress.objects.select_related("lesson").order_by(
        "-last_activity_at", "-id"
    ):
        progress.translation_key = progress.lesson.translation_key
        merged = keep.get((progress.user_id, progress.translation_key))
        if merged is None:
            keep[(progress.user_id, progress.translation_key)] = progress
            progress.save(update_fields=["translation_key"])
            continue
        merged.best_score = max(merged.best_score, progress.best_score)
        merged.attempt_count += progress.attempt_count
        merged.time_spent_seconds += progress.time_spent_seconds
        merged.started_at = min(merged.started_at, progress.started_at)
        if progress.status == "completed":
            merged.status = "completed"
            merged.completed_at = min(
                filter(None, [merged.completed_at, progress.completed_at])
            )
        LessonProgress.objects.filter(pk=merged.pk).update(
            best_score=merged.best_score,
            attempt_count=merged.attempt_count,
            time_spent_seconds=merged.time_spent_seconds,
            started_at=merged.started_at,
            status=merged.status,
            completed_at=merged.completed_at,
        )
        progress.delete()


class Migration(migrations.Migration):
    dependencies = [("learning", "0002_voice_retry_schedule")]

    operations = [
        migrations.RemoveConstraint(model_name="lessonprogress", name="one_progress_per_lesson"),
        migrations.AddField(
            model_name="lessonprogress",
            name="translation_key",
            field=models.UUIDField(null=True),
        ),
        migrations.RunPython(fill_translation_keys, migrations.RunPython.noop),
    ]
