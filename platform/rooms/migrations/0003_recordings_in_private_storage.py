"""Recordings move to the "private" storage, which the web server never serves: existing
files are copied over under the same name and removed from the public media storage."""

from typing import Any

from django.db import migrations, models

import rooms.models


def move_files(apps: Any, schema_editor: Any) -> None:
    from django.core.files.storage import storages

    public, private = storages["default"], storages["private"]
    Recording = apps.get_model("rooms", "Recording")
    for name in Recording.objects.exclude(file="").values_list("file", flat=True).iterator():
        if private.exists(name) or not public.exists(name):
            continue
        with public.open(name, "rb") as source:
            saved = private.save(name, source)
        if saved != name:  # never expected (the name was free): keep the row pointing at it
            Recording.objects.filter(file=name).update(file=saved)
        public.delete(name)


class Migration(migrations.Migration):
    dependencies = [
        ("rooms", "0002_moderators_see_rooms"),
    ]

    operations = [
        migrations.AlterField(
            model_name="recording",
            name="file",
            field=models.FileField(
                storage=rooms.models.private_storage, upload_to=rooms.models.recording_path
            ),
        ),
        migrations.RunPython(move_files, migrations.RunPython.noop, elidable=True),
    ]
