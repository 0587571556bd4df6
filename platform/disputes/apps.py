from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = "Refund requests and disputes"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from credits import claims

        from . import notify, receivers, services  # noqa: F401

        notify.register_types()

        claims.register(
            claims.Claim(
                name="disputes_teacher_debts",
                outstanding=services.outstanding_debts,
                recover=services.recover_debts,
                key_prefix="dispute:",
            )
        )
