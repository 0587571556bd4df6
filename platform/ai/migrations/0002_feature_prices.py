"""Every AI feature starts with a price, so charge() never meets an unpriced feature; the
admin changes prices afterwards (Credits › Feature prices). Existing rows are left alone."""

from decimal import Decimal

from django.db import migrations

PRICES = [
    ("translate_text", "Text translation", "1,000 characters", Decimal("0.10")),
    ("translate_voice", "Voice translation", "second of audio", Decimal("0.02")),
    ("grammar_check", "Grammar check", "1,000 characters", Decimal("0.05")),
    ("writing_feedback", "Writing feedback", "request", Decimal("1.00")),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    FeaturePrice = apps.get_model("credits", "FeaturePrice")
    for feature, label, unit, credits in PRICES:
        FeaturePrice.objects.get_or_create(
            feature=feature, defaults={"label": label, "unit": unit, "credits_per_unit": credits}
        )


class Migration(migrations.Migration):
    dependencies = [("ai", "0001_initial"), ("credits", "0002_entries_append_only")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
