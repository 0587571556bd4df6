from django.apps import AppConfig


class TutoringConfig(AppConfig):
    name = "tutoring"
    verbose_name = "Tutoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import notify, purposes

        purposes.register_purposes()
        notify.register_types()
