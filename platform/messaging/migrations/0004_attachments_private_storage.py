"""Chat attachments move to the private storage (outside MEDIA_ROOT, a private prefix on S3),
served only by permission-checked views. Files already stored move there under the same
names, so no row changes; the reverse moves them back."""

import core.uploads
import messaging.models
from django.db import migrations, models


def _names(apps):
    model = apps.get_model("messaging", "Message")
    return model.objects.exclude(attachment="").values_list("attachment", flat=True).iterator()


def to_private(apps, schema_editor):
    core.uploads.move_stored_files(_names(apps), to_private=True)


def to_public(apps, schema_editor):
    core.uploads.move_stored_files(_names(apps), to_private=False)


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0003_moderators_review_reports"),
    ]

    operations = [
        migrations.AlterField(
            model_name="message",
            name="attachment",
            field=models.FileField(
                blank=True,
                storage=core.uploads.private_storage,
                upload_to=messaging.models.attachment_path,
            ),
        ),
        migrations.RunPython(to_private, to_public),
    ]
