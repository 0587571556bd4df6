from django.db import migrations


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    for model, label in (("materialpack", "material pack"), ("material", "material")):
        content_type, _ = ContentType.objects.get_or_create(app_label="materials", model=model)
        for action in ("view", "change"):
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type,
                codename=f"{action}_{model}",
                defaults={"name": f"Can {action} {label}"},
            )
            moderators.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("materials", "0001_initial"),
        ("accounts", "0004_moderators_review_certificates"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
