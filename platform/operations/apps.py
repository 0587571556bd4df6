from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What an operator runs the platform with: maintenance mode, the system status page,
    service configuration (encrypted) and the Monetisation menu."""

    name = "operations"
    verbose_name = "Operations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import fields

        from . import configuration, maintenance

        maintenance.connect()
        # Service settings are ciphertext in their table and in the cache: rotated with the
        # personal data, and the cache dropped afterwards (it may hold retired keys' tokens).
        fields.register_ciphertext("operations.ServiceSetting", "ciphertext")
        fields.keys_rotated.connect(
            configuration.forget_after_rotation, dispatch_uid="operations.keys_rotated"
        )
