from django.apps import AppConfig


class LearningCmsConfig(AppConfig):
    name = "cms.learning"
    label = "cms_learning"
    verbose_name = "Learning content"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401
