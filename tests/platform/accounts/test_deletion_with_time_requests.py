"""Deleting an account with requests for a lesson time still pending, through
``DELETE /api/v1/users/me/``: the learner's requests are withdrawn (the teacher told), the
teacher's are declined (each learner told why), through the time-request services and
their after-commit notification task. Requests already answered stay as they were, other
people's are untouched, and the deleted account is told nothing, even by a notification
queued before it left."""

from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from accounts.testing import queries_to_delete_account
from notifications.models import Notification
from tutoring import tasks
from tutoring.models import Gig, TimeRequest, TimeRequestStatus
from tutoring.services import time_requests as services

pytestmark = pytest.mark.django_db
TEACHER_LEFT = "The teacher has closed their account."


def at(days: int, hour: int = 20) -> datetime:
    return (datetime.now(tz=UTC) + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The time-request notifications queued after commits (run by ``deliver``)."""
    ids: list[str] = []
    monkeypatch.setattr(tasks.time_request_changed, "delay", ids.append)
    return ids


def deliver(ids: list[str]) -> None:
    for request_id in ids:
        tasks.time_request_changed(request_id)
    ids.clear()


@pytest.fixture
def gig_of(make_listing, make_gig) -> Callable[..., Gig]:  # type: ignore[no-untyped-def]
    def make(user: User | None = None) -> Gig:
        hours = [(day, time(9), time(17)) for day in range(7)]
        return make_gig(make_listing(user, hours=hours, booking_horizon_days=3660))

    return make


def ask(learner: User, gig: Gig, days: int) -> TimeRequest:
    return services.request_time(learner=learner, gig=gig, start=at(days), minutes=60)


def delete_account(user: User, capture: Callable[..., Any]) -> Any:
    client = APIClient()
    client.force_login(user)
    with capture(execute=True):
        return client.delete("/api/v1/users/me/")


def status_of(time_request: TimeRequest) -> str:
    time_request.refresh_from_db()
    return time_request.status


def bodies(user: User) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, type__startswith="tutoring.time_request")
        .order_by("created_at")
        .values_list("body", flat=True)
    )


def test_a_learner_leaving_withdraws_their_pending_requests_and_each_teacher_is_told(
    student, other_student, gig_of, queued, django_capture_on_commit_callbacks
) -> None:
    first, second, answered_gig = gig_of(), gig_of(), gig_of()
    mine = [ask(student, first, 8), ask(student, second, 9)]
    declined = ask(student, answered_gig, 10)
    services.decline(declined.pk, by=answered_gig.listing.user, note="Away.")
    someone_elses = ask(other_student, first, 11)
    deliver(queued)
    Notification.objects.all().delete()

    assert delete_account(student, django_capture_on_commit_callbacks).status_code == 204

    assert [status_of(request) for request in mine] == [TimeRequestStatus.WITHDRAWN] * 2
    assert status_of(declined) == TimeRequestStatus.DECLINED
    assert declined.decline_reason == "Away."
    assert status_of(someone_elses) == TimeRequestStatus.PENDING
    assert sorted(queued) == sorted(str(request.pk) for request in mine)  # after the commit
    deliver(queued)
    for request in mine:  # the learner is anonymised by the time the teacher reads it
        assert bodies(request.gig.listing.user) == [
            f"Former member no longer asks for {request.start:%Y-%m-%d %H:%M} (UTC)."
        ]
    assert bodies(answered_gig.listing.user) == []
    assert not Notification.objects.filter(recipient=student).exists()


def test_a_teacher_leaving_declines_the_requests_made_to_them_and_withdraws_their_own(
    teacher, student, other_student, gig_of, queued, django_capture_on_commit_callbacks
) -> None:
    own_gig = gig_of(teacher)
    asked = [ask(student, own_gig, 8), ask(other_student, own_gig, 9)]
    accepted = ask(student, own_gig, 10)
    services.accept(accepted.pk, by=teacher)
    as_learner = ask(teacher, gig_of(), 11)  # a teacher who also takes lessons
    deliver(queued)
    Notification.objects.all().delete()

    assert delete_account(teacher, django_capture_on_commit_callbacks).status_code == 204

    for request in asked:
        assert status_of(request) == TimeRequestStatus.DECLINED
        assert request.decline_reason == TEACHER_LEFT
    assert status_of(accepted) == TimeRequestStatus.ACCEPTED
    assert status_of(as_learner) == TimeRequestStatus.WITHDRAWN
    deliver(queued)
    for request in asked:
        assert bodies(request.learner) == [
            f"Former member cannot teach on {request.start:%Y-%m-%d %H:%M} (UTC). {TEACHER_LEFT}"
        ]
    [told] = bodies(as_learner.gig.listing.user)
    assert "no longer asks for" in told
    assert not Notification.objects.filter(recipient=teacher).exists()


def test_an_answer_queued_before_the_learner_left_is_not_delivered_after(
    teacher, student, gig_of, queued, django_capture_on_commit_callbacks
) -> None:
    gig = gig_of(teacher)
    time_request = ask(student, gig, 8)
    deliver(queued)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(time_request.pk, by=teacher, note="Full.")
    assert queued == [str(time_request.pk)]  # the worker has not run it yet

    assert delete_account(student, django_capture_on_commit_callbacks).status_code == 204
    deliver(queued)
    assert not Notification.objects.filter(recipient=student).exists()


def test_each_pending_request_costs_a_fixed_number_of_queries(role_user, gig_of, queued) -> None:
    gig = gig_of()

    def cost(requests: int, first_day: int) -> int:
        learner = role_user(Role.STUDENT)
        for day in range(requests):
            ask(learner, gig, first_day + day)
        return queries_to_delete_account(learner)

    one, three = cost(1, first_day=10), cost(3, first_day=20)
    # Each: its savepoint, the row lock (with the gig and listing), the save, the release.
    assert three - one == 2 * QUERIES_PER_REQUEST


QUERIES_PER_REQUEST = 4
