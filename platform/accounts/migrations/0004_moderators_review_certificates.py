from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    certificate_type, _ = ContentType.objects.get_or_create(
        app_label="accounts", model="teachercertificate"
    )
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    for codename, name in (
        ("view_teachercertificate", "Can view teacher certificate"),
        ("change_teachercertificate", "Can change teacher certificate"),
    ):
        permission, _ = Permission.objects.get_or_create(
            content_type=certificate_type, codename=codename, defaults={"name": name}
        )
        moderators.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_profiles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
