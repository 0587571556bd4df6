"""Second half of 0003, in its own transaction: PostgreSQL refuses ALTER TABLE on a table with
pending trigger events from the rows 0003 updated."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("learning", "0003_progress_per_translation_key")]

    operations = [
        migrations.AlterField(
            model_name="lessonprogress",
            name="translation_key",
            field=models.UUIDField(),
        ),
        migrations.AddConstraint(
            model_name="lessonprogress",
            constraint=models.UniqueConstraint(
                fields=("user", "translation_key"), name="one_progress_per_lesson"
            ),
        ),
    ]
