from django.apps import AppConfig


class AbroadConfig(AppConfig):
    name = "abroad"
    verbose_name = "Study abroad"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import notify, payments

        payments.register_purposes()
        notify.register_types()
