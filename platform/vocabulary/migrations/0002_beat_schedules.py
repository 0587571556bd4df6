"""The word bank's periodic jobs as django-celery-beat rows (editable in the admin): "N words
due" reminders are checked every 15 minutes (each learner gets one a day at their time);
per-learner FSRS parameters are refitted daily."""

from django.db import migrations

SCHEDULES = [
    ("Vocabulary: 'words due' reminders", "vocabulary.send_due_reminders", 15, "minutes"),
    ("Vocabulary: fit learners' FSRS parameters", "vocabulary.fit_parameters", 1, "days"),
]


def create_schedules(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, every, period in SCHEDULES:
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})


def remove_schedules(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name__in=[name for name, *_ in SCHEDULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("vocabulary", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
