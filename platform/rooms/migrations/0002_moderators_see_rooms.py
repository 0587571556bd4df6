from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    room_type, _ = ContentType.objects.get_or_create(app_label="rooms", model="room")
    permission, _ = Permission.objects.get_or_create(
        content_type=room_type, codename="view_room", defaults={"name": "Can view room"}
    )
    Group.objects.get_or_create(name="Moderators")[0].permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("rooms", "0001_initial"),
        ("accounts", "0004_moderators_review_certificates"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
