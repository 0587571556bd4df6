"""The AI on/off switches become core feature flags ``ai.<feature>`` (core.flags), keeping
each switch's current value; the settings keep only the LLM choice for writing feedback."""

from django.db import migrations

FEATURES = {
    "translate_text": "Text translation",
    "translate_voice": "Voice translation",
    "grammar_check": "Grammar check",
    "writing_feedback": "Writing feedback",
    "content_translation": "Machine translation of pages (editors)",
}


def to_flags(apps, schema_editor):  # type: ignore[no-untyped-def]
    settings = apps.get_model("ai", "AISettings").objects.first()
    flag_model = apps.get_model("core", "FeatureFlag")
    for feature, label in FEATURES.items():
        flag_model.objects.get_or_create(
            name=f"ai.{feature}",
            defaults={
                "description": f"AI: {label}",
                "enabled": getattr(settings, f"{feature}_enabled", True),
            },
        )


def to_settings(apps, schema_editor):  # type: ignore[no-untyped-def]
    flag_model = apps.get_model("core", "FeatureFlag")
    settings_model = apps.get_model("ai", "AISettings")
    settings = settings_model.objects.first() or settings_model()
    for feature in FEATURES:
        flag = flag_model.objects.filter(name=f"ai.{feature}").first()
        setattr(settings, f"{feature}_enabled", flag.enabled if flag else True)
    settings.save()
    flag_model.objects.filter(name__in=[f"ai.{feature}" for feature in FEATURES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ai", "0003_content_translation"),
        ("core", "0004_feature_flags"),
    ]

    operations = [
        migrations.RunPython(to_flags, to_settings),
        *[
            migrations.RemoveField(model_name="aisettings", name=f"{feature}_enabled")
            for feature in FEATURES
        ],
    ]
