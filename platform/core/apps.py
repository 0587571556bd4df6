from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Toto core"

    def ready(self) -> None:
        # Wagtail's choosers write inline scripts the admin's CSP refuses (core.admin_csp).
        from . import admin_csp

        admin_csp.install()

        from django.contrib.auth.signals import user_login_failed

        from .security import on_login_failed

        user_login_failed.connect(on_login_failed, dispatch_uid="core.security.login_failed")

        from . import flags

        flags._connect()

        # Stored anonymous pages are forgotten when content changes (core.page_cache).
        from . import page_cache

        page_cache.connect()
