"""The profile's notification switches are the notifications app's own preferences.

One source of truth: ``notifications.NotificationPreference`` (one row per type and channel
the person changed; without a row the type's default applies, notifications.types). The
profile API (``notification_preferences`` in GET/PATCH /api/v1/users/me/) and the website
profile page read and write them through the notifications app's selectors and services,
in the same shape as /api/v1/notifications/preferences/: ``{type: {channel: bool}}``.
The website shows the email and push switches (in-app notifications always arrive).
"""

from typing import Any

WEBSITE_CHANNELS = ("email", "push")


def preferences_of(user: Any) -> dict[str, dict[str, bool]]:
    from notifications.selectors import preferences_of as read

    return read(user)


def validate_preferences(value: Any) -> dict[str, dict[str, bool]]:
    """``{type: {channel: bool}}`` with known types and channels, or ValueError."""
    from notifications.types import CHANNELS, REGISTRY

    if not isinstance(value, dict):
        raise ValueError("Send an object of notification types.")
    unknown = sorted(set(value) - set(REGISTRY))
    if unknown:
        raise ValueError(f"Unknown notification types: {', '.join(unknown)}.")
    for channels in value.values():
        if not isinstance(channels, dict):
            raise ValueError("Each type takes an object of channels.")
        unknown = sorted(set(channels) - set(CHANNELS))
        if unknown:
            raise ValueError(f"Unknown channels: {', '.join(unknown)}.")
        if not all(isinstance(enabled, bool) for enabled in channels.values()):
            raise ValueError("Every switch is true or false.")
    return value


def set_preferences(user: Any, preferences: dict[str, dict[str, bool]]) -> None:
    from notifications.services import set_preferences as write

    write(user, preferences)


def website_switches() -> list[tuple[str, str, str]]:
    """(form field name, type, channel) for every type's email and push switch."""
    from notifications.types import REGISTRY

    return [
        (f"notify_{key.replace('.', '__')}__{channel}", key, channel)
        for key in sorted(REGISTRY)
        for channel in WEBSITE_CHANNELS
    ]
