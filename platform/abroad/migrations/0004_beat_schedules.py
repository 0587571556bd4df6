"""Study abroad's periodic jobs as django-celery-beat rows (editable in the admin): holds
and unanswered requests run out within a minute; finished trips complete hourly."""

from django.db import migrations

SCHEDULES = [
    ("Study abroad: release expired holds and lapsed requests", "abroad.expire_holds", 1),
    ("Study abroad: complete finished trips", "abroad.complete_finished", 60),
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
        ("abroad", "0003_no_overbooked_rooms"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
