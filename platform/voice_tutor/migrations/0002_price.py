"""The voice tutor starts priced (3 credits per started minute, as the credits demo had it),
so charge() never meets an unpriced feature; an existing row is left alone."""

from decimal import Decimal

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    FeaturePrice = apps.get_model("credits", "FeaturePrice")
    FeaturePrice.objects.get_or_create(
        feature="voice-tutor",
        defaults={"label": "Voice tutor", "unit": "minute", "credits_per_unit": Decimal("3")},
    )


class Migration(migrations.Migration):
    dependencies = [("voice_tutor", "0001_initial"), ("credits", "0002_entries_append_only")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
