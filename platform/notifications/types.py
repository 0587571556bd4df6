"""The kinds of notification, and the channels each goes out on unless the user says no.

Other apps register theirs at import time (e.g. in their AppConfig.ready):
``register(NotificationType("booking.confirmed", "Booking confirmed", {EMAIL, PUSH}))``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

IN_APP = "in_app"
EMAIL = "email"
PUSH = "push"
CHANNELS = (IN_APP, EMAIL, PUSH)


@dataclass(frozen=True)
class NotificationType:
    key: str
    label: str
    default_channels: frozenset[str] = field(default_factory=lambda: frozenset(CHANNELS))


REGISTRY: dict[str, NotificationType] = {}


def register(notification_type: NotificationType) -> NotificationType:
    REGISTRY[notification_type.key] = notification_type
    return notification_type


register(NotificationType("message.new", "New message", frozenset({IN_APP, PUSH})))
register(NotificationType("call.incoming", "Incoming call", frozenset({IN_APP, PUSH})))
register(NotificationType("call.missed", "Missed call", frozenset(CHANNELS)))
register(NotificationType("classroom.scheduled", "Class scheduled", frozenset(CHANNELS)))
register(NotificationType("system", "Announcement", frozenset(CHANNELS)))
