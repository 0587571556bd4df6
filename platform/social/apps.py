from django.apps import AppConfig


class SocialConfig(AppConfig):
    name = "social"
    verbose_name = "Social"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gamification.hooks import register_friend_source, register_moment_sharer

        from . import badges, notify, selectors

        notify.register_types()
        # The friends' leaderboard: the people a learner follows (gamification asks, through
        # its hook, and never imports social).
        register_friend_source(selectors.followed_ids)
        # A badge's image card shared as a moment, and whether its public page may be shown.
        register_moment_sharer(badges.SHARER)
