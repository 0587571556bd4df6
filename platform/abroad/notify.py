"""What study-abroad tells people (notifications app: in-app, email, push by preference).
One table of wording, registered at start-up."""

from typing import Any

from notifications.types import CHANNELS, NotificationType, register

TYPES = [
    NotificationType("abroad.request", "Study abroad booking request", frozenset(CHANNELS)),
    NotificationType("abroad.answer", "Answer to your study abroad request", frozenset(CHANNELS)),
    NotificationType("abroad.confirmed", "Study abroad booking confirmed", frozenset(CHANNELS)),
    NotificationType("abroad.vendor", "Study abroad partner applications", frozenset(CHANNELS)),
]

# event → (kind, title, who: "vendors" | "awaiting" | "learner", url)
MESSAGES: dict[str, tuple[str, str, str, str]] = {
    "request": ("abroad.request", "New booking request", "awaiting", "/abroad/vendor/"),
    "answer": ("abroad.answer", "Your booking request was answered", "learner", "/abroad/trips/"),
    "paid": ("abroad.confirmed", "Booking confirmed", "vendors", "/abroad/vendor/"),
}


def register_types() -> None:
    for notification_type in TYPES:
        register(notification_type)


def send(event: str, booking: Any) -> None:
    from django.contrib.auth import get_user_model

    from notifications.services import notify

    kind, title, who, url = MESSAGES[event]
    if who == "learner":
        ids = [booking.learner_id]
    elif who == "awaiting":
        ids = list(booking.awaiting_vendors)
    else:
        ids = sorted(booking.vendors())
    body = f"{booking.title} — {booking.get_status_display()}"
    for user in get_user_model().objects.filter(pk__in=ids):
        notify(user, kind, title, body, {"booking": str(booking.pk)}, url=url)


def application_received(application: Any) -> None:
    """Moderators hear of a new school or host to verify."""
    from django.contrib.auth import get_user_model

    from notifications.services import notify

    url = "/admin/abroad/vendor-applications/"
    for user in get_user_model().objects.filter(groups__name="Moderators").distinct():
        notify(
            user,
            "abroad.vendor",
            "A study abroad partner applied",
            f"{application.organisation} ({application.get_kind_display()})",
            {"application": application.pk},
            url=url,
        )


def application_decided(application: Any) -> None:
    from notifications.services import notify

    if application.status == "approved":
        title = "Welcome: your listing is ready to fill in"
        body = "Open the editor, complete your listing and submit it for review."
        url = "/admin/"
    else:
        title = "Your partner application needs changes"
        body = application.decline_reason
        url = "/abroad/partners/apply/"
    notify(application.user, "abroad.vendor", title, body, {"application": application.pk}, url=url)
