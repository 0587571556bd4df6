from django.db import migrations

# Finance moderators (the "Finance" group credits created) see and decide refund requests
# and disputes.
PERMISSIONS = (
    ("refundrequest", "view_refundrequest", "Can view refund request"),
    ("refundrequest", "decide_refundrequest", "Can decide refund requests and disputes"),
    ("dispute", "view_dispute", "Can view dispute"),
)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    finance, _ = Group.objects.get_or_create(name="Finance")
    for model, codename, name in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label="disputes", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        finance.permissions.add(permission)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    finance = apps.get_model("auth", "Group").objects.filter(name="Finance").first()
    if finance is not None:
        finance.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="disputes",
                codename__in=[codename for _, codename, _ in PERMISSIONS],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0001_initial"),
        ("credits", "0004_finance_group_adjusts_credits"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
