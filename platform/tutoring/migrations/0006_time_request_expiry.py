"""Time requests still pending when their time comes are expired: the status, an index for
the sweep, and its django-celery-beat row (every five minutes, editable in the admin like
the schedules of migration 0004)."""

from django.db import migrations, models

SCHEDULE = ("Tutoring: expire unanswered time requests", "tutoring.expire_time_requests", 5)


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    name, task, minutes = SCHEDULE
    every, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
    PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": every})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name=SCHEDULE[0]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tutoring", "0005_group_sessions_rooms_and_zoom"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AlterField(
            model_name="timerequest",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Pending"),
                    ("accepted", "Accepted"),
                    ("declined", "Declined"),
                    ("withdrawn", "Withdrawn by the learner"),
                    ("expired", "Expired unanswered"),
                ],
                default="pending",
                max_length=16,
            ),
        ),
        migrations.AddIndex(
            model_name="timerequest",
            index=models.Index(
                condition=models.Q(("status", "pending")),
                fields=["start"],
                name="tutoring_time_request_due",
            ),
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
