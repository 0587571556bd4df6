from django.db import migrations

# Frozen copy of accounts.roles at the time of this migration.
GROUP_NAMES = {
    "student": "Students",
    "teacher": "Teachers",
    "content_creator": "Content creators",
    "moderator": "Moderators",
    "admin": "Administrators",
    "institution": "Institutions",
    "homestay_owner": "Homestay owners",
}
ADMIN_ACCESS = {"content_creator", "moderator", "admin", "institution", "homestay_owner"}


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    for role, name in GROUP_NAMES.items():
        group, _ = Group.objects.get_or_create(name=name)
        if role in ADMIN_ACCESS:
            group.permissions.add(access_admin)


def remove_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    # Wagtail owns "Moderators"; leave it.
    Group.objects.filter(name__in=[n for r, n in GROUP_NAMES.items() if r != "moderator"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
