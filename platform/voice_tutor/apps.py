from django.apps import AppConfig


class VoiceTutorConfig(AppConfig):
    name = "voice_tutor"
    verbose_name = "Voice tutor"
    default_auto_field = "django.db.models.BigAutoField"
