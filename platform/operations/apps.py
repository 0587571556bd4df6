from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What an operator runs the platform with: maintenance mode, the system status page,
    service configuration (encrypted) and the Monetisation menu."""

    name = "operations"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import maintenance

        maintenance.connect()
