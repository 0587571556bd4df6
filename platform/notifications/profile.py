"""The notifications app's side of the profile's notification switches
(``accounts.notifications``): registered by ``NotificationsConfig.ready``."""

from typing import Any

from accounts.notifications import Switch

from . import selectors, services
from .types import CHANNELS, REGISTRY

WEBSITE_CHANNELS = ("email", "push")


class ProfilePreferences:
    def preferences_of(self, user: Any) -> dict[str, dict[str, bool]]:
        return selectors.preferences_of(user)

    def validate(self, value: Any) -> dict[str, dict[str, bool]]:
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

    def save(self, user: Any, preferences: dict[str, dict[str, bool]]) -> None:
        services.set_preferences(user, preferences)

    def website_switches(self) -> list[Switch]:
        return [
            Switch(
                field=f"notify_{key.replace('.', '__')}__{channel}",
                type=key,
                type_label=str(REGISTRY[key].label),
                channel=channel,
            )
            for key in sorted(REGISTRY)
            for channel in WEBSITE_CHANNELS
        ]
