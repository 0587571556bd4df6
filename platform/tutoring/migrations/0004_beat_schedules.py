"""The marketplace's periodic jobs as django-celery-beat rows, so that operators can change
or pause them in the admin without a deploy: holds run out and reminders go out within a
minute; finished lessons are settled (billed, or completed after the no-dispute period)
every five minutes."""

from django.db import migrations

# name, task, every (minutes)
SCHEDULES = [
    ("Tutoring: release expired booking holds", "tutoring.expire_holds", 1),
    ("Tutoring: lesson reminders (24 h and 15 min before)", "tutoring.send_due_reminders", 1),
    ("Tutoring: settle finished lessons", "tutoring.settle_sessions", 5),
]


def create_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minutes in SCHEDULES:
        every, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": every})


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[name for name, _, _ in SCHEDULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tutoring", "0003_default_gig_categories"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
