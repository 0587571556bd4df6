from django.apps import AppConfig


class AbroadCmsConfig(AppConfig):
    name = "cms.abroad"
    label = "cms_abroad"
    verbose_name = "Study abroad content"
    default_auto_field = "django.db.models.BigAutoField"
