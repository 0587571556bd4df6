"""Voice attempts' recordings move to the private storage (outside MEDIA_ROOT, a private prefix
on S3), served only by permission-checked views. Files already stored move there under the
same names, so no row changes; the reverse moves them back."""

import core.uploads
import learning.models
from django.db import migrations, models


def _names(apps):
    model = apps.get_model("learning", "ExerciseAttempt")
    return model.objects.exclude(audio="").values_list("audio", flat=True).iterator()


def to_private(apps, schema_editor):
    core.uploads.move_stored_files(_names(apps), to_private=True)


def to_public(apps, schema_editor):
    core.uploads.move_stored_files(_names(apps), to_private=False)


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0005_attempts_append_only_trigger"),
    ]

    operations = [
        migrations.AlterField(
            model_name="exerciseattempt",
            name="audio",
            field=models.FileField(
                blank=True,
                storage=core.uploads.private_storage,
                upload_to=learning.models.attempt_audio_path,
            ),
        ),
        migrations.RunPython(to_private, to_public),
    ]
