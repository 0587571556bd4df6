"""Telling people what happened, through the notifications app (in-app, email, push by
their preferences). The marketplace's notification types are registered at start-up."""

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Wording:
    """One notification's words: ``str.format`` templates filled with named fields."""

    kind: str
    title: str
    body: str
    url: str


# The marketplace's messages, one place to read and change them. Fields: learner, teacher,
# gig, on/when (a time in the recipient's zone, naming it), note (" reason" or ""), ids.
BOOKING_CONFIRMED_TEACHER = Wording(
    "tutoring.booking_confirmed",
    "New lesson booked",
    "{learner} booked {gig} on {when}.",
    "/tutoring/dashboard/",
)
BOOKING_CONFIRMED_LEARNER = Wording(
    "tutoring.booking_confirmed",
    "Your lesson is confirmed",
    "{gig} with {teacher} on {when}.",
    "/tutoring/dashboard/",
)
BOOKING_CANCELLED = Wording(
    "tutoring.booking_cancelled",
    "Lesson cancelled",
    "{gig} on {when} was cancelled.{note}",
    "/tutoring/dashboard/",
)
GROUP_SESSION_CANCELLED = Wording(
    "tutoring.booking_cancelled",
    "Group session cancelled",
    "{topic} on {on} was cancelled by the teacher.{note} Any payment is refunded in full.",
    "/tutoring/dashboard/",
)
# Fields: label ("in 24 hours", "in 15 minutes"), gig, at (the start's time of day), booking.
REMINDER = Wording(
    "tutoring.reminder",
    "Lesson {label}",
    "{gig} starts at {at}.",
    "/tutoring/bookings/{booking}/",
)
LISTING_VERIFIED = Wording(
    "tutoring.listing_verified",
    "You are verified",
    "Your teacher profile is now listed. Learners can book you.",
    "/tutoring/dashboard/",
)
LISTING_REJECTED = Wording(
    "tutoring.listing_rejected",
    "Your teacher profile needs changes",
    "It was not verified: {reason}",
    "/tutoring/dashboard/",
)
# By the request's new status: the teacher hears of new and withdrawn requests, the learner
# of the answer.
TIME_REQUEST = {
    "pending": Wording(
        "tutoring.time_request",
        "A learner asks for a lesson time",
        "{learner} asks for {gig} on {on}.",
        "/tutoring/teach/",
    ),
    "withdrawn": Wording(
        "tutoring.time_request",
        "A lesson request was withdrawn",
        "{learner} no longer asks for {on}.",
        "/tutoring/teach/",
    ),
    "accepted": Wording(
        "tutoring.time_request_answered",
        "Your lesson request was accepted",
        "{teacher} accepted {on}. Pay to confirm the lesson.",
        "/tutoring/bookings/{booking}/",
    ),
    "declined": Wording(
        "tutoring.time_request_answered",
        "Your lesson request was declined",
        "{teacher} cannot teach on {on}.{note}",
        "/tutoring/dashboard/",
    ),
    "expired": Wording(
        "tutoring.time_request_answered",
        "Your lesson request expired",
        "{teacher} did not answer your request for {on} in time."
        " Pick one of their free times or ask for another.",
        "/tutoring/teachers/{listing}/",
    ),
}


def tell(user: Any, wording: Wording, *, data: dict[str, Any] | None = None, **fields: Any) -> None:
    """Sends ``wording`` to ``user`` with its templates filled from ``fields``."""
    notify(
        user,
        kind=wording.kind,
        title=wording.title.format(**fields),
        body=wording.body.format(**fields),
        url=wording.url.format(**fields),
        data=data,
    )
