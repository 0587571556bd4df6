from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Toto core"

    def ready(self) -> None:
        # Wagtail's choosers write inline scripts the admin's CSP refuses (core.admin_csp).
        from . import admin_csp

        admin_csp.install()
