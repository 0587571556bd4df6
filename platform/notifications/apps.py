from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from accounts import notifications as profile_switches

        from .profile import ProfilePreferences

        profile_switches.register(ProfilePreferences())
