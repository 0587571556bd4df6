"""Telling people what happened, through the notifications app (in-app, email, push by
their preferences). The marketplace's notification types are registered at start-up."""

from typing import Any

from notifications.types import CHANNELS, EMAIL, IN_APP, NotificationType, register

TYPES = [
    NotificationType("tutoring.booking_confirmed", "Lesson booked", frozenset(CHANNELS)),
    NotificationType("tutoring.booking_cancelled", "Lesson cancelled", frozenset(CHANNELS)),
    NotificationType("tutoring.reminder", "Lesson reminder", frozenset(CHANNELS)),
    NotificationType("tutoring.time_request", "Request for a lesson time", frozenset(CHANNELS)),
    NotificationType(
        "tutoring.time_request_answered", "Answer to your lesson request", frozenset(CHANNELS)
    ),
    NotificationType(
        "tutoring.listing_verified", "Teacher profile verified", frozenset({IN_APP, EMAIL})
    ),
    NotificationType(
        "tutoring.listing_rejected", "Teacher profile needs changes", frozenset({IN_APP, EMAIL})
    ),
    NotificationType("tutoring.gift", "Gift received", frozenset(CHANNELS)),
]


def register_types() -> None:
    for notification_type in TYPES:
        register(notification_type)


def notify(
    user: Any,
    *,
    kind: str,
    title: str,
    body: str,
    url: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    from notifications.services import notify as send

    send(user, kind, title, body, data or {}, url=url)
