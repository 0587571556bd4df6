from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "materials"
    verbose_name = "Teaching materials"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import payments

        payments.register_purposes()
