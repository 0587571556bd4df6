"""Time requests: a learner asks for a time outside the posted hours; the teacher accepts
(a held booking, through the same path and the same exclusion constraint as any booking)
or declines; the learner is told either way and may withdraw."""

from datetime import UTC, datetime, time, timedelta

import pytest

from accounts.roles import Role
from notifications.models import Notification
from tutoring import tasks
from tutoring.models import Booking, BookingStatus, TimeRequest, TimeRequestStatus

pytestmark = pytest.mark.django_db

# Eight days ahead at 20:00 UTC: outside the teacher's 09:00-17:00 hours.
EVENING = (datetime.now(tz=UTC) + timedelta(days=8)).replace(
    hour=20, minute=0, second=0, microsecond=0
)
URL = "/api/v1/time-requests/"


@pytest.fixture
def gig(make_listing, make_gig, teacher):  # type: ignore[no-untyped-def]
    return make_gig(make_listing(teacher, hours=[(d, time(9), time(17)) for d in range(7)]))


def ask(api_client, learner, gig, start=EVENING, duration=60, message="After work?"):  # type: ignore[no-untyped-def]
    api_client.force_login(learner)
    return api_client.post(
        URL,
        {"gig": gig.pk, "start": start.isoformat(), "duration": duration, "message": message},
        format="json",
    )


def run_notifications(callbacks) -> None:  # type: ignore[no-untyped-def]
    """The service enqueued the notification task on commit; run what it enqueued."""
    assert len(callbacks) == 1
    tasks.time_request_changed(str(TimeRequest.objects.latest("created_at").pk))


def test_request_accept_then_the_learner_pays_for_a_held_booking(
    api_client, gig, student, teacher, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        asked = ask(api_client, student, gig)
    assert asked.status_code == 201, asked.json()
    body = asked.json()
    assert (body["status"], body["duration"], body["message"]) == ("pending", 60, "After work?")
    assert body["teacher"]["id"] == str(teacher.pk)
    run_notifications(callbacks)
    told = Notification.objects.get(recipient=teacher, type="tutoring.time_request")
    assert "Sam" in told.body

    api_client.force_login(teacher)
    mine = api_client.get(URL, {"as": "teacher"}).json()
    assert [row["id"] for row in mine["results"]] == [body["id"]]
    with django_capture_on_commit_callbacks() as callbacks:
        accepted = api_client.post(f"{URL}{body['id']}/accept/")
    assert accepted.status_code == 200, accepted.json()
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["booking_status"] == "held"
    booking = Booking.objects.get(pk=accepted.json()["booking"])
    assert (booking.learner, booking.start, booking.minutes) == (student, EVENING, 60)
    assert booking.status == BookingStatus.HELD
    # Held for the policy's 24 hours, not the checkout's few minutes.
    assert booking.hold_expires_at - booking.created_at > timedelta(hours=23)
    assert [e.actor for e in booking.events.all()] == [teacher]
    run_notifications(callbacks)
    answer = Notification.objects.get(recipient=student, type="tutoring.time_request_answered")
    assert "accepted" in answer.title and str(booking.pk) in answer.url

    # The learner sees the booking among theirs, ready to pay.
    api_client.force_login(student)
    held = api_client.get(f"/api/v1/bookings/{booking.pk}/")
    assert held.status_code == 200 and held.json()["status"] == "held"

    # Answered once only.
    api_client.force_login(teacher)
    again = api_client.post(f"{URL}{body['id']}/decline/")
    assert again.status_code == 409 and again.json()["code"] == "already_answered"


def test_accepting_a_time_that_is_now_taken_is_a_clear_conflict(
    api_client, gig, student, other_student, teacher
) -> None:
    first = ask(api_client, student, gig).json()
    second = ask(api_client, other_student, gig, start=EVENING + timedelta(minutes=30)).json()
    api_client.force_login(teacher)
    assert api_client.post(f"{URL}{first['id']}/accept/").status_code == 200
    clash = api_client.post(f"{URL}{second['id']}/accept/")
    assert clash.status_code == 409
    assert clash.json()["code"] == "slot_taken" and clash.json()["message"]
    assert TimeRequest.objects.get(pk=second["id"]).status == TimeRequestStatus.PENDING
    assert Booking.objects.filter(teacher_id=teacher.pk).count() == 1
    # The teacher can still decline the one that no longer fits.
    declined = api_client.post(f"{URL}{second['id']}/decline/", {"note": "Taken, sorry"})
    assert declined.json()["status"] == "declined"


def test_decline_with_a_note_tells_the_learner(
    api_client, gig, student, teacher, django_capture_on_commit_callbacks
) -> None:
    asked = ask(api_client, student, gig).json()
    api_client.force_login(teacher)
    with django_capture_on_commit_callbacks() as callbacks:
        declined = api_client.post(
            f"{URL}{asked['id']}/decline/", {"note": "I sleep at 8 pm."}, format="json"
        )
    assert declined.status_code == 200
    assert declined.json()["decline_reason"] == "I sleep at 8 pm."
    run_notifications(callbacks)
    told = Notification.objects.get(recipient=student, type="tutoring.time_request_answered")
    assert "declined" in told.title and "I sleep at 8 pm." in told.body
    assert not Booking.objects.exists()


def test_the_learner_withdraws_and_then_it_cannot_be_accepted(
    api_client, gig, student, teacher
) -> None:
    asked = ask(api_client, student, gig).json()
    withdrawn = api_client.post(f"{URL}{asked['id']}/withdraw/")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    api_client.force_login(teacher)
    late = api_client.post(f"{URL}{asked['id']}/accept/")
    assert late.status_code == 409 and late.json()["code"] == "already_answered"
    assert not Booking.objects.exists()


def test_only_each_side_acts_and_nobody_else_sees_a_request(
    api_client, gig, student, other_student, teacher, role_user
) -> None:
    asked = ask(api_client, student, gig).json()
    # The learner cannot accept their own request; the teacher cannot withdraw it.
    assert api_client.post(f"{URL}{asked['id']}/accept/").json()["code"] == "not_allowed"
    api_client.force_login(teacher)
    assert api_client.post(f"{URL}{asked['id']}/withdraw/").status_code == 403
    # Another learner and another teacher see nothing of it.
    for outsider in (other_student, role_user(Role.TEACHER)):
        api_client.force_login(outsider)
        assert api_client.get(URL).json()["count"] == 0
        for verb in ("accept", "decline", "withdraw"):
            assert api_client.post(f"{URL}{asked['id']}/{verb}/").status_code == 404
        assert api_client.get(f"{URL}{asked['id']}/").status_code == 404
    assert TimeRequest.objects.get().status == TimeRequestStatus.PENDING


def test_unverified_learners_get_email_not_verified(api_client, gig, user_factory) -> None:
    unverified = user_factory(verified=False)
    response = ask(api_client, unverified, gig)
    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"
    assert not TimeRequest.objects.exists()


def test_invalid_requests_are_400s(api_client, gig, student, teacher) -> None:
    past = ask(api_client, student, gig, start=datetime.now(tz=UTC) - timedelta(hours=1))
    assert past.status_code == 400 and past.json()["code"] == "not_bookable"
    odd_length = ask(api_client, student, gig, duration=45)
    assert odd_length.status_code == 400 and "45" in odd_length.json()["message"]
    missing = api_client.post(URL, {"gig": gig.pk}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()["fields"]) == {"start", "duration"}
    own = ask(api_client, teacher, gig)
    assert own.status_code == 403


def test_request_lists_have_a_pinned_query_count(
    api_client, gig, make_listing, make_gig, user_factory, teacher, assert_num_queries
) -> None:
    def requests_from(count: int) -> None:
        for _ in range(count):
            ask(api_client, user_factory(), gig)

    requests_from(2)
    api_client.force_login(teacher)
    # session, user, count, page (learner, gig, listing, user, booking joined)
    with assert_num_queries(4):
        assert api_client.get(URL, {"as": "teacher"}).json()["count"] == 2
    requests_from(5)
    api_client.force_login(teacher)
    with assert_num_queries(4):
        assert api_client.get(URL, {"as": "teacher"}).json()["count"] == 7


def test_asking_twice_for_the_same_time_asks_once(api_client, gig, student) -> None:
    first = ask(api_client, student, gig)
    again = ask(api_client, student, gig)
    assert again.status_code == 409 and again.json()["code"] == "already_requested"
    assert TimeRequest.objects.count() == 1
    # Once withdrawn, the learner may ask again.
    api_client.post(f"{URL}{first.json()['id']}/withdraw/")
    assert ask(api_client, student, gig).status_code == 201
