"""Demo notifications for the demo student, so the bell and the centre are not empty.
Stored directly (no email or push for demo data). Idempotent."""

from collections.abc import Callable

from django.contrib.auth import get_user_model

from .models import Notification

NOTIFICATIONS = [
    ("system", "Welcome to Toto", "Start with a lesson or say hello to your teacher.", "/"),
    ("classroom.scheduled", "Class on Thursday at 18:00", "Spanish B1 with Tomás.", "/rooms/"),
    ("call.missed", "Missed call from Tomás Teacher", "", "/chat/"),
]


def ensure_demo_notifications() -> str:
    student = get_user_model().objects.get(email="student@toto.localhost")
    for type_, title, body, url in NOTIFICATIONS:
        Notification.objects.get_or_create(
            recipient=student, type=type_, title=title, defaults={"body": body, "url": url}
        )
    return f"notifications: {len(NOTIFICATIONS)} for {student.email}"


DEMO_STEPS: list[Callable[[], str]] = [ensure_demo_notifications]
