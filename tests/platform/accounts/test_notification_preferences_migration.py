"""Migration accounts 0005 carries the profile's old notification switches over to the
notifications app's preferences (the column itself is gone, so the profiles are given to
the migration's function as the historical model would yield them)."""

import importlib
from types import SimpleNamespace
from typing import Any

import pytest

from notifications.models import NotificationPreference
from notifications.selectors import preferences_of

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "accounts.migrations.0005_notification_preferences_in_notifications_app"
)


def _apps(profiles: list[tuple[Any, dict[str, bool]]]) -> Any:
    rows = SimpleNamespace(
        values_list=lambda *fields: SimpleNamespace(iterator=lambda: iter(profiles))
    )
    models = {
        "Profile": SimpleNamespace(objects=rows),
        "NotificationPreference": NotificationPreference,
    }
    return SimpleNamespace(get_model=lambda app, name: models[name])


def test_changed_switches_become_preferences_and_choices_already_made_stay(
    student, other_student
) -> None:
    # Lena had already chosen push for new messages in the notifications app.
    NotificationPreference.objects.create(
        user=other_student, type="message.new", channel="push", enabled=True
    )
    migration.forwards(
        _apps(
            [
                (
                    student.pk,
                    {
                        "email_messages": True,  # the old default: nothing to carry
                        "email_bookings": False,
                        "email_news": True,
                        "push_reminders": False,
                    },
                ),
                (other_student.pk, {"push_messages": False, "carrier_pigeon": True}),
            ]
        ),
        None,
    )
    sam = preferences_of(student)
    for kind in (
        "tutoring.booking_confirmed",
        "tutoring.booking_cancelled",
        "tutoring.time_request",
        "tutoring.gift",
    ):
        assert sam[kind]["email"] is False
        assert sam[kind]["push"] is True  # push_bookings was left alone
    assert sam["tutoring.reminder"]["push"] is False
    assert sam["system"]["email"] is True
    assert not NotificationPreference.objects.filter(user=student, type="message.new").exists()
    # Lena's own choice in the notifications app wins over the old profile switch.
    assert preferences_of(other_student)["message.new"]["push"] is True
    assert NotificationPreference.objects.filter(user=other_student).count() == 1
