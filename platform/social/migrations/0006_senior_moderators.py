"""Moderator roles, graded (platform/social/moderation.py): "Moderators" keep dismiss, hide,
mark sensitive and warn, and only see appeals; "Senior moderators" also limit, suspend, lift
limits and decide appeals (social.senior_moderation)."""

from django.db import migrations

SENIOR = "Senior moderators"
SOCIAL = {
    "report": ["view_report", "change_report"],
    "appeal": ["view_appeal", "change_appeal"],
    "moderationaction": ["view_moderationaction", "senior_moderation"],
}
NAMES = {"senior_moderation": "Can limit and suspend authors, lift limits and decide appeals"}


def _permission(apps, app_label, model, codename):
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": NAMES.get(codename, codename.replace("_", " ").capitalize())},
    )
    return permission


def grade(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    senior, _ = Group.objects.get_or_create(name=SENIOR)
    senior.permissions.add(_permission(apps, "wagtailadmin", "admin", "access_admin"))
    for model, codenames in SOCIAL.items():
        for codename in codenames:
            senior.permissions.add(_permission(apps, "social", model, codename))
    # Plain moderators see appeals but no longer decide them.
    moderators = Group.objects.filter(name="Moderators").first()
    if moderators is not None:
        moderators.permissions.remove(_permission(apps, "social", "appeal", "change_appeal"))


def ungrade(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=SENIOR).delete()
    moderators = Group.objects.filter(name="Moderators").first()
    if moderators is not None:
        moderators.permissions.add(_permission(apps, "social", "appeal", "change_appeal"))


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0005_interests"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="moderationaction",
            options={
                "ordering": ["-created_at"],
                "permissions": [
                    (
                        "senior_moderation",
                        "Can limit and suspend authors, lift limits and decide appeals",
                    )
                ],
            },
        ),
        migrations.RunPython(grade, ungrade),
    ]
