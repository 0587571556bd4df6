"""The notifications app's side of the profile's notification switches
(``accounts.notifications``): registered by ``NotificationsConfig.ready``."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.notifications import Switch

from . import selectors, services
from .types import CHANNELS, REGISTRY

WEBSITE_CHANNELS = ("email", "push")

# The profile page's groups, in page order: (category, label, the type-key prefixes in it).
CATEGORIES: list[tuple[str, Any, tuple[str, ...]]] = [
    ("lessons", _("Lessons"), ("tutoring.", "classroom.")),
    ("messages", _("Messages and calls"), ("message.", "call.")),
    ("learning", _("Learning and progress"), ("vocabulary.", "gamification.")),
    ("community", _("Community"), ("social.",)),
    ("abroad", _("Study abroad"), ("abroad.",)),
    ("money", _("Payments and credits"), ("payments.", "credits.")),
    ("other", _("Announcements and other"), ("",)),
]

LEARNER, TEACHER, MODERATOR, ADMIN = "student", "teacher", "moderator", "admin"
VENDORS = frozenset({"homestay_owner", "institution", "content_creator"})

# Who a type concerns (role values of accounts.roles.Role); a type not listed concerns
# everyone. Only the website's switches follow this; the API lists every type.
AUDIENCE: dict[str, frozenset[str]] = {
    "tutoring.booking_confirmed": frozenset({LEARNER, TEACHER}),
    "tutoring.booking_cancelled": frozenset({LEARNER, TEACHER}),
    "tutoring.reminder": frozenset({LEARNER, TEACHER}),
    "tutoring.time_request": frozenset({TEACHER}),
    "tutoring.time_request_answered": frozenset({LEARNER}),
    "tutoring.listing_verified": frozenset({TEACHER}),
    "tutoring.listing_rejected": frozenset({TEACHER}),
    "tutoring.gift": frozenset({TEACHER}),
    "classroom.scheduled": frozenset({LEARNER, TEACHER}),
    "abroad.request": VENDORS,
    "abroad.answer": frozenset({LEARNER}),
    "abroad.confirmed": VENDORS,
    "payments.refund_attention": frozenset({ADMIN, MODERATOR}),
    "credits.low": frozenset({LEARNER}),
    "vocabulary.due": frozenset({LEARNER}),
    "gamification.badge_awarded": frozenset({LEARNER}),
    "gamification.league_result": frozenset({LEARNER}),
}


def category_of(key: str) -> tuple[str, Any]:
    for category, label, prefixes in CATEGORIES:
        if any(key.startswith(prefix) for prefix in prefixes):
            return category, label
    raise AssertionError("the last category takes every key")  # pragma: no cover


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
        order = {category: index for index, (category, _label, _p) in enumerate(CATEGORIES)}
        switches = []
        for key in sorted(REGISTRY):
            category, label = category_of(key)
            for channel in WEBSITE_CHANNELS:
                switches.append(
                    Switch(
                        field=f"notify_{key.replace('.', '__')}__{channel}",
                        type=key,
                        type_label=str(REGISTRY[key].label),
                        channel=channel,
                        category=category,
                        category_label=str(label),
                        roles=AUDIENCE.get(key, frozenset()),
                    )
                )
        return sorted(switches, key=lambda switch: order[switch.category])
