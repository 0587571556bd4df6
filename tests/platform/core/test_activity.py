"""The activity bus: sent after commit only, to every receiver, one failure isolated."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from core import activity


@pytest.fixture
def received() -> Any:
    events: list[activity.Activity] = []

    def receiver(sender: str, event: activity.Activity, **kwargs: Any) -> None:
        events.append(event)

    def broken(sender: str, event: activity.Activity, **kwargs: Any) -> None:
        raise RuntimeError("a broken receiver")

    activity.activity.connect(broken, dispatch_uid="test-broken")
    activity.activity.connect(receiver, dispatch_uid="test-receiver")
    yield events
    activity.activity.disconnect(dispatch_uid="test-receiver")
    activity.activity.disconnect(dispatch_uid="test-broken")


@pytest.mark.django_db(transaction=True)
def test_sent_after_commit_and_not_on_rollback(received: list[Any], caplog: Any) -> None:
    with transaction.atomic():
        activity.record("u1", "translation.translated", data={"mode": "text"})
        assert received == [], "nothing is sent before the commit"
    assert [event.kind for event in received] == ["translation.translated"]
    assert received[0].app == "translation" and received[0].is_active
    assert "a broken receiver" in caplog.text, "a failing receiver is logged, not raised"

    with pytest.raises(RuntimeError), transaction.atomic():
        activity.record("u1", "translation.translated", data={"mode": "text"})
        raise RuntimeError("rolled back")
    assert len(received) == 1


def test_unknown_kinds_and_missing_keys_are_refused() -> None:
    with pytest.raises(activity.UnknownActivity, match="Unknown"):
        activity.record("u1", "learning.page_viewed")
    with pytest.raises(activity.UnknownActivity, match="missing mode"):
        activity.record("u1", "translation.translated")


def test_sign_ins_and_refunds_do_not_make_someone_active() -> None:
    assert "accounts.signed_in" not in activity.ACTIVE_KINDS
    assert "payments.refunded" not in activity.ACTIVE_KINDS
    assert "learning.lesson_completed" in activity.ACTIVE_KINDS


@pytest.mark.django_db
def test_a_receiver_whose_query_fails_spoils_nothing_for_the_others(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A receiver's database error is rolled back to its own savepoint: the next receiver
    still reads and writes in the same outer transaction."""
    from accounts.models import User

    seen: list[int] = []

    def failing(sender: str, event: activity.Activity, **kwargs: Any) -> None:
        User.objects.filter(pk="not-a-uuid").exists()  # raises inside the database layer

    def reading(sender: str, event: activity.Activity, **kwargs: Any) -> None:
        seen.append(User.objects.count())

    activity.activity.connect(failing, dispatch_uid="test-failing-query")
    activity.activity.connect(reading, dispatch_uid="test-reading")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            activity.record("u1", "translation.translated", data={"mode": "text"})
    finally:
        activity.activity.disconnect(dispatch_uid="test-failing-query")
        activity.activity.disconnect(dispatch_uid="test-reading")
    assert seen == [User.objects.count()]
