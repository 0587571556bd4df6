from django.apps import AppConfig


class VocabularyConfig(AppConfig):
    name = "vocabulary"
    verbose_name = "Vocabulary"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import services

        services.register_notification_types()
