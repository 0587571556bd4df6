from django.apps import AppConfig


class PayoutsConfig(AppConfig):
    name = "payouts"
    verbose_name = "Earnings and payouts"
    default_auto_field = "django.db.models.BigAutoField"
