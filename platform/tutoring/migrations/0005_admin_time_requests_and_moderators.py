from django.conf import settings
from django.db import migrations, models

# What the Moderators group may do in the marketplace's admin screens: work the teacher
# verification queue, read bookings with their history and moderate reviews. Gig categories
# stay with admins (superusers), who hold every permission.
MODERATOR_PERMISSIONS = [
    ("teacherlisting", "view", "Can view teacher listing"),
    ("teacherlisting", "change", "Can change teacher listing"),
    ("booking", "view", "Can view booking"),
    ("review", "view", "Can view review"),
    ("review", "change", "Can change review"),
]


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    for model, action, name in MODERATOR_PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label="tutoring", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=f"{action}_{model}", defaults={"name": name}
        )
        moderators.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("tutoring", "0004_beat_schedules"),
        ("accounts", "0004_moderators_review_certificates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
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
                ],
                default="pending",
                max_length=16,
            ),
        ),
        migrations.AddIndex(
            model_name="timerequest",
            index=models.Index(
                fields=["gig", "status", "start"], name="tutoring_ti_gig_id_7a28bb_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="timerequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "pending")),
                fields=("learner", "gig", "start"),
                name="tutoring_time_request_pending_once",
            ),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
