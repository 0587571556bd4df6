from django.apps import AppConfig


class AIConfig(AppConfig):
    name = "ai"
    label = "ai"
    verbose_name = "AI features"
    default_auto_field = "django.db.models.BigAutoField"
