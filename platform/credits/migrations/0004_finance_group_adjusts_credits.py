from django.db import migrations

# Who may grant or deduct credits: superusers, and staff an admin puts in "Finance".
PERMISSIONS = (
    ("creditadjustment", "add_creditadjustment", "Can add credit adjustment"),
    ("creditadjustment", "view_creditadjustment", "Can view credit adjustment"),
)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    finance, _ = Group.objects.get_or_create(name="Finance")
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type,
        codename="access_admin",
        defaults={"name": "Can access Wagtail admin"},
    )
    finance.permissions.add(access_admin)
    for model, codename, name in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label="credits", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        finance.permissions.add(permission)


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Finance").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0003_adjustments_and_low_credit_alerts"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [migrations.RunPython(grant, remove)]
