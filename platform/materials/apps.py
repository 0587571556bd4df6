from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "materials"
    verbose_name = "Teaching materials"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from credits import claims

        from . import payments, services

        payments.register_purposes()
        claims.register(
            claims.Claim(
                name="materials_refund_debts",
                outstanding=services.outstanding_debts,
                recover=services.recover_debts,
            )
        )
