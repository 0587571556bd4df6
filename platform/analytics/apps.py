from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from notifications.types import EMAIL, NotificationType, register

        from . import receivers  # noqa: F401  (connects to core.activity)

        register(NotificationType("progress.weekly", "Weekly progress report", frozenset({EMAIL})))
        register(
            NotificationType("progress.monthly", "Monthly progress report", frozenset({EMAIL}))
        )
