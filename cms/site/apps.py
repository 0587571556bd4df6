from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "cms.site"
    label = "cms_site"
    verbose_name = "Site"
    default_auto_field = "django.db.models.BigAutoField"
