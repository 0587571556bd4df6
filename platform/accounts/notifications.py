"""The profile's notification switches are the notifications app's own preferences.

One source of truth: ``notifications.NotificationPreference`` (one row per type and channel
the person changed; without a row the type's default applies). The profile API
(``notification_preferences`` in GET/PATCH /api/v1/users/me/) and the website profile page
read and write them in the same shape as /api/v1/notifications/preferences/:
``{type: {channel: bool}}``. The website shows the email and push switches (in-app
notifications always arrive), grouped by category, and only those that concern the person's
roles (a learner sees no teacher's or vendor's switches; the API still takes every type).

accounts sits below notifications (which imports accounts), so it must not import it back:
the notifications app registers its preferences here when Django starts
(``NotificationsConfig.ready``), and accounts calls them through this small port.
"""

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Switch:
    """One website switch: form field name, notification type and its label, channel; the
    category the profile page groups it under, and the roles it concerns (``Role`` values;
    empty: everyone)."""

    field: str
    type: str
    type_label: str
    channel: str
    category: str = ""
    category_label: str = ""
    roles: frozenset[str] = frozenset()


class NotificationPreferences(Protocol):
    def preferences_of(self, user: Any) -> dict[str, dict[str, bool]]: ...

    def validate(self, value: Any) -> dict[str, dict[str, bool]]:
        """``value`` with known types and channels, or ValueError with a human message."""
        ...

    def save(self, user: Any, preferences: dict[str, dict[str, bool]]) -> None: ...

    def website_switches(self) -> list[Switch]: ...


_registered: NotificationPreferences | None = None


def register(preferences: NotificationPreferences) -> None:
    global _registered
    _registered = preferences


def _preferences() -> NotificationPreferences:
    if _registered is None:
        raise RuntimeError(
            "No app registered notification preferences (is notifications installed?)"
        )
    return _registered


def preferences_of(user: Any) -> dict[str, dict[str, bool]]:
    return _preferences().preferences_of(user)


def validate_preferences(value: Any) -> dict[str, dict[str, bool]]:
    return _preferences().validate(value)


def set_preferences(user: Any, preferences: dict[str, dict[str, bool]]) -> None:
    _preferences().save(user, preferences)


def website_switches() -> list[Switch]:
    return _preferences().website_switches()
