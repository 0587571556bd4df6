"""Content creators author practice contexts and voice avatars (add, change, delete, publish);
the tutor prompt stays with admins (superusers or a group given it), as ai's prompts do."""

from django.db import migrations

AUTHORED = (("practicecontext", "practice context"), ("voiceavatar", "voice avatar"))


def grant(apps, schema_editor):  # type: ignore[no-untyped-def]
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    creators, _ = Group.objects.get_or_create(name="Content creators")
    for model, label in AUTHORED:
        content_type, _ = ContentType.objects.get_or_create(app_label="voice_tutor", model=model)
        for action in ("add", "change", "delete", "view", "publish"):
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {label}"},
            )
            creators.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("voice_tutor", "0002_price"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
