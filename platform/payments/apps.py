from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import notifications, purposes  # noqa: F401 - registers notification types

        purposes.register_builtin_purposes()
