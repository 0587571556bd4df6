"""The event table: filled after commit by the activity bus, switchable per category,
anonymised when an account is deleted."""

from datetime import UTC, datetime

import pytest
from django.db import transaction

from analytics.models import ActivityEvent, AnalyticsSettings
from core import activity

pytestmark = pytest.mark.django_db


def attempt(user, score: float = 1.0, **kwargs):  # type: ignore[no-untyped-def]
    return activity.record(
        user,
        "learning.exercise_attempted",
        language="es",
        level="A1",
        data={"lesson_id": 7, "block_id": "b1", "exercise_type": "multiple_choice", "score": score},
        **kwargs,
    )


def test_an_event_is_stored_only_after_the_transaction_commits(
    student, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        attempt(student, 0.5, occurred_at=datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
        assert ActivityEvent.objects.count() == 0
    assert callbacks, "the event waits for the commit"
    event = ActivityEvent.objects.get()
    assert (event.user, event.kind, event.app) == (
        student,
        "learning.exercise_attempted",
        "learning",
    )
    assert (event.language, event.level, event.platform) == ("es", "A1", "web")
    assert event.detail == "multiple_choice"
    assert float(event.value) == 0.5
    assert event.day.isoformat() == "2026-03-02"


def test_a_rolled_back_action_leaves_no_event(student, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                attempt(student)
                raise RuntimeError("the lesson failed to save")
        except RuntimeError:
            pass
    assert not ActivityEvent.objects.exists()


def test_an_operator_can_switch_a_tracking_category_off(
    student, django_capture_on_commit_callbacks
) -> None:
    settings = AnalyticsSettings.load()
    settings.track_learning = False
    settings.save()
    with django_capture_on_commit_callbacks(execute=True):
        attempt(student)
        activity.record(
            student,
            "payments.paid",
            data={"payment_id": "p", "purpose": "credits", "amount_minor": 1000, "currency": "USD"},
        )
    assert list(ActivityEvent.objects.values_list("kind", flat=True)) == ["payments.paid"]


def test_deleting_an_account_anonymises_its_events_but_keeps_them_counted(
    student, other_student, django_capture_on_commit_callbacks
) -> None:
    from accounts.services import delete_account

    with django_capture_on_commit_callbacks(execute=True):
        attempt(student)
        attempt(other_student)
    delete_account(student)
    gone = ActivityEvent.objects.get(user=student)
    assert (gone.object_id, gone.data, gone.language, gone.level) == ("", {}, "", "")
    assert gone.kind == "learning.exercise_attempted"
    kept = ActivityEvent.objects.get(user=other_student)
    assert kept.data["lesson_id"] == 7 and kept.language == "es"


def test_the_personal_data_export_lists_the_persons_events(
    student, django_capture_on_commit_callbacks
) -> None:
    from analytics.personal_data import export_personal_data

    with django_capture_on_commit_callbacks(execute=True):
        attempt(student, occurred_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    assert export_personal_data(student) == {
        "events": [
            {
                "kind": "learning.exercise_attempted",
                "occurred_at": "2026-03-02T10:00:00+00:00",
                "platform": "web",
            }
        ],
        "progress_shared_with": [],
    }
