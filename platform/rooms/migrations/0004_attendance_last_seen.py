"""Attendance rows carry when their socket was last seen (its heartbeat), and a
django-celery-beat row runs the sweep that releases the ones a dead server left open, every
minute (editable or pausable in the admin like the other schedules)."""

import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

SCHEDULE = ("Rooms: release stale attendance", "rooms.release_stale_attendance")


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    name, task = SCHEDULE
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": every_minute})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("rooms", "0003_recordings_in_private_storage"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendance",
            name="last_seen_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddIndex(
            model_name="attendance",
            index=models.Index(
                condition=models.Q(("left_at__isnull", True)),
                fields=["last_seen_at"],
                name="rooms_attendance_open_seen",
            ),
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
