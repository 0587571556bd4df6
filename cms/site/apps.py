from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "cms.site"
    label = "cms_site"
    verbose_name = "Site"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete
        from wagtail.signals import page_published, page_unpublished

        from accounts.signals import signed_up_accepting_terms, terms_to_accept

        from . import legal
        from .models import LegalPage

        for signal in (page_published, page_unpublished, post_delete):
            signal.connect(
                legal.forget_current_documents, sender=LegalPage, dispatch_uid=f"legal-{signal}"
            )
        signed_up_accepting_terms.connect(
            legal.accept_at_signup, dispatch_uid="legal-accept-at-signup"
        )
        terms_to_accept.connect(legal.anything_to_accept, dispatch_uid="legal-anything")

        from django.db.models.signals import post_migrate

        from .fresh import create_home_page

        post_migrate.connect(create_home_page, sender=self, dispatch_uid="site-home-page")
