
from django.db import migrations

# Finance staff see payees and may reveal their bank details (each reveal is logged).
PERMISSIONS = (
    ("view_payeeprofile", "Can view payee profile"),
    ("reveal_bank_details", "Can reveal payees' bank details"),
    ("view_taxdocument", "Can view tax document"),
)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    finance, _ = Group.objects.get_or_create(name="Finance")
    for codename, name in PERMISSIONS:
        model = "taxdocument" if codename.endswith("taxdocument") else "payeeprofile"
        content_type, _ = ContentType.objects.get_or_create(app_label="payouts", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        finance.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    finance = Group.objects.filter(name="Finance").first()
    if finance is not None:
        finance.permissions.remove(
            *finance.permissions.filter(
                content_type__app_label="payouts",
                codename__in=[codename for codename, _ in PERMISSIONS],
            )
        )


class Migration(migrations.Migration):

    dependencies = [
        ('payouts', '0003_bank_account_encrypted_and_tax_documents'),
        ('credits', '0004_finance_group_adjusts_credits'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='payeeprofile',
            options={'permissions': [('reveal_bank_details', "Can reveal payees' bank details")]},
        ),
        migrations.RunPython(grant, revoke),
    ]
