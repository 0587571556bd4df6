from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    report_type, _ = ContentType.objects.get_or_create(app_label="messaging", model="report")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    for codename, name in (
        ("view_report", "Can view report"),
        ("change_report", "Can change report"),
    ):
        permission, _ = Permission.objects.get_or_create(
            content_type=report_type, codename=codename, defaults={"name": name}
        )
        moderators.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0002_events_and_moderation"),
        ("accounts", "0004_moderators_review_certificates"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
