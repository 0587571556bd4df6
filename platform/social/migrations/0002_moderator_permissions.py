from django.db import migrations

PERMISSIONS = {
    "report": [("view_report", "Can view report"), ("change_report", "Can change report")],
    "appeal": [("view_appeal", "Can view appeal"), ("change_appeal", "Can change appeal")],
    "moderationaction": [("view_moderationaction", "Can view moderation action")],
}


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    for model, permissions in PERMISSIONS.items():
        content_type, _ = ContentType.objects.get_or_create(app_label="social", model=model)
        for codename, name in permissions:
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
            moderators.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("social", "0001_initial"),
        ("accounts", "0004_moderators_review_certificates"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
