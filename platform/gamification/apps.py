from django.apps import AppConfig


class GamificationConfig(AppConfig):
    name = "gamification"
    verbose_name = "Gamification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import activity
        from notifications.types import CHANNELS, IN_APP, PUSH, NotificationType, register

        from . import receivers

        register(
            NotificationType(
                "gamification.badge_awarded", "Badge earned", frozenset({IN_APP, PUSH})
            )
        )
        register(
            NotificationType("gamification.league_result", "League result", frozenset(CHANNELS))
        )
        activity.activity.connect(receivers.on_activity, dispatch_uid="gamification.on_activity")
