"""The reminder beat job (hourly; the task itself sends each reminder once) and what the
Moderators group may do in study abroad's admin screens: work the partner verification
queue and moderate reviews."""

from django.db import migrations

SCHEDULE = ("Study abroad: remind learners before arrival", "abroad.send_reminders", 60)
MODERATOR_PERMISSIONS = [
    ("vendorapplication", "view", "Can view vendor application"),
    ("vendorapplication", "change", "Can change vendor application"),
    ("abroadreview", "view", "Can view abroad review"),
    ("abroadreview", "change", "Can change abroad review"),
    ("abroadbooking", "view", "Can view abroad booking"),
]


def forwards(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    name, task, minutes = SCHEDULE
    every, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
    PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": every})
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    for model, action, label in MODERATOR_PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label="abroad", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=f"{action}_{model}", defaults={"name": label}
        )
        moderators.permissions.add(permission)


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("abroad", "0005_vendors_reviews_reminders"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
