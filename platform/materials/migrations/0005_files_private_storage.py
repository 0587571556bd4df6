"""Teachers' materials (paid ones included) move to the private storage (outside MEDIA_ROOT, a
private prefix on S3), served only by permission-checked views. Files already stored move
there under the same names, so no row changes; the reverse moves them back."""

import core.uploads
import materials.models
from django.db import migrations, models


def _names(apps):
    model = apps.get_model("materials", "Material")
    return model.objects.exclude(file="").values_list("file", flat=True).iterator()


def to_private(apps, schema_editor):
    core.uploads.move_stored_files(_names(apps), to_private=True)


def to_public(apps, schema_editor):
    core.uploads.move_stored_files(_names(apps), to_private=False)


class Migration(migrations.Migration):
    dependencies = [
        ("materials", "0004_refund_debts"),
    ]

    operations = [
        migrations.AlterField(
            model_name="material",
            name="file",
            field=models.FileField(
                max_length=255,
                storage=core.uploads.private_storage,
                upload_to=materials.models.material_path,
            ),
        ),
        migrations.RunPython(to_private, to_public),
    ]
