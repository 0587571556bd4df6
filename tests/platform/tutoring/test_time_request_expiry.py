"""Pending time requests whose time has come are expired by the periodic task: the learner
is told, the teacher can no longer accept them, and both sides' listings say so."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from tutoring import tasks
from tutoring.models import Booking, TimeRequest, TimeRequestStatus
from tutoring.services import time_requests as services

pytestmark = pytest.mark.django_db
URL = "/api/v1/time-requests/"


@pytest.fixture
def gig(make_listing, make_gig, teacher):  # type: ignore[no-untyped-def]
    return make_gig(make_listing(teacher, hours=[(d, time(9), time(17)) for d in range(7)]))


def _request(gig, learner, hours: float) -> TimeRequest:  # type: ignore[no-untyped-def]
    """A pending request made when its time was still ahead, ``hours`` from now."""
    start = (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)
    return services.request_time(
        learner=learner, gig=gig, start=start, minutes=60, now=start - timedelta(days=1)
    )


def test_the_task_expires_passed_pending_requests_and_tells_each_learner(
    gig, student, other_student, teacher, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    passed = _request(gig, student, -1)
    also_passed = _request(gig, other_student, -0.1)
    ahead = _request(gig, student, 5)
    answered = _request(gig, other_student, -3)
    services.decline(answered.pk, by=teacher, note="Away")

    enqueued: list[str] = []
    monkeypatch.setattr(tasks.time_request_changed, "delay", enqueued.append)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_time_requests() == 2
    # One notification task per expired request, enqueued after commit; run them here.
    assert sorted(enqueued) == sorted([str(passed.pk), str(also_passed.pk)])
    for request_id in enqueued:
        tasks.time_request_changed(request_id)

    statuses = dict(TimeRequest.objects.values_list("pk", "status"))
    assert statuses == {
        passed.pk: TimeRequestStatus.EXPIRED,
        also_passed.pk: TimeRequestStatus.EXPIRED,
        ahead.pk: TimeRequestStatus.PENDING,
        answered.pk: TimeRequestStatus.DECLINED,
    }
    passed.refresh_from_db()
    assert passed.answered_at is not None
    told = Notification.objects.filter(
        type="tutoring.time_request_answered", title__contains="expired"
    )
    assert sorted(n.recipient_id for n in told) == sorted([student.pk, other_student.pk])
    assert not told.filter(recipient=teacher).exists()
    assert f"/tutoring/teachers/{gig.listing_id}/" in {n.url for n in told}

    # Idempotent: a second run finds nothing more to do and tells nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_time_requests() == 0
    assert len(enqueued) == 2


def test_an_expired_request_cannot_be_accepted_and_is_listed_as_expired(
    api_client, gig, student, teacher
) -> None:
    time_request = _request(gig, student, -1)
    tasks.expire_time_requests()

    api_client.force_login(teacher)
    answer = api_client.post(f"{URL}{time_request.pk}/accept/")
    assert answer.status_code == 409
    assert answer.json()["code"] == "already_answered"
    assert not Booking.objects.exists()
    assert api_client.post(f"{URL}{time_request.pk}/decline/").status_code == 409

    for user, side in ((teacher, "teacher"), (student, "learner")):
        api_client.force_login(user)
        listed = api_client.get(URL, {"as": side}).json()["results"]
        assert [(row["id"], row["status"]) for row in listed] == [(str(time_request.pk), "expired")]
        only_expired = api_client.get(URL, {"status": "expired"}).json()["results"]
        assert len(only_expired) == 1


def test_an_expired_request_frees_the_learner_to_ask_for_the_same_time_again(gig, student) -> None:
    """The one-pending-request-per-time constraint counts pending requests only."""
    time_request = _request(gig, student, -1)
    tasks.expire_time_requests()
    again = services.request_time(
        learner=student,
        gig=gig,
        start=time_request.start,
        minutes=60,
        now=time_request.start - timedelta(hours=2),
    )
    assert again.status == TimeRequestStatus.PENDING
