"""Teachers' certificates move to the private storage (outside MEDIA_ROOT, a private prefix on
S3), served only by permission-checked views. Files already stored move there under the same
names, so no row changes; the reverse moves them back."""

import core.uploads
from django.db import migrations, models


def _names(apps):
    model = apps.get_model("accounts", "TeacherCertificate")
    return model.objects.exclude(file="").values_list("file", flat=True).iterator()


def to_private(apps, schema_editor):
    core.uploads.move_stored_files(_names(apps), to_private=True)


def to_public(apps, schema_editor):
    core.uploads.move_stored_files(_names(apps), to_private=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_notification_preferences_in_notifications_app"),
    ]

    operations = [
        migrations.AlterField(
            model_name="teachercertificate",
            name="file",
            field=models.FileField(
                storage=core.uploads.private_storage, upload_to="certificates/", verbose_name="file"
            ),
        ),
        migrations.RunPython(to_private, to_public),
    ]
