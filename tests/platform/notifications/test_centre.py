"""The in-app centre over REST and the live bell on /ws/notifications/."""

import datetime as dt

import pytest
from asgiref.sync import sync_to_async
from django.core import mail

from core.testing.websockets import connect
from notifications import selectors, services, tasks
from notifications.models import Notification
from realtime.testing import receive_until


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(
        tasks.send_notification_email, "delay", lambda pk: calls.append(("email", pk))
    )
    monkeypatch.setattr(
        tasks.send_notification_push, "delay", lambda pk: calls.append(("push", pk))
    )
    return calls


@pytest.mark.django_db
def test_the_centre_lists_only_my_notifications_at_a_fixed_cost(
    api_client, student, other_student, assert_num_queries, enqueued
):
    for n in range(3):
        services.notify(student, "system", f"Hello {n}")
    services.notify(other_student, "system", "Not for Sam")
    api_client.force_login(student)
    api_client.get("/api/v1/notifications/")
    with assert_num_queries(4):
        page = api_client.get("/api/v1/notifications/").json()
    for n in range(10):
        services.notify(student, "system", f"More {n}")
    with assert_num_queries(4):
        more = api_client.get("/api/v1/notifications/", {"unread": "true"}).json()
    assert page["count"] == 3 and more["count"] == 13
    assert "Not for Sam" not in {n["title"] for n in more["results"]}
    foreign = Notification.objects.get(recipient=other_student)
    assert api_client.post(f"/api/v1/notifications/{foreign.pk}/read/").status_code == 404


@pytest.mark.django_db
def test_mark_read_and_mark_all_read_move_the_unread_count(api_client, student, enqueued):
    first = services.notify(student, "system", "One")
    services.notify(student, "system", "Two")
    api_client.force_login(student)
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"count": 2}
    assert api_client.post(f"/api/v1/notifications/{first.pk}/read/").status_code == 204
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"count": 1}
    assert api_client.post("/api/v1/notifications/read-all/").json() == {"count": 0}
    assert selectors.unread_count(student) == 0


@pytest.mark.django_db
def test_preferences_per_type_and_channel_decide_what_is_sent(
    api_client, student, enqueued, django_capture_on_commit_callbacks
):
    api_client.force_login(student)
    response = api_client.put(
        "/api/v1/notifications/preferences/",
        {"preferences": {"system": {"email": False}}},
        format="json",
    )
    assert response.json()["preferences"]["system"] == {
        "in_app": True,
        "email": False,
        "push": True,
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(student, "system", "Hi")
    assert [kind for kind, _ in enqueued] == ["push"]
    bad = api_client.put(
        "/api/v1/notifications/preferences/",
        {"preferences": {"nope": {"email": True}}},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["code"] == "unknown_notification_type"


@pytest.mark.django_db
def test_quiet_hours_hold_email_and_push_in_the_users_time_zone(
    student, enqueued, django_capture_on_commit_callbacks, monkeypatch
):
    services.update_settings(
        student, time_zone="Asia/Tokyo", quiet_hours_start=dt.time(22), quiet_hours_end=dt.time(7)
    )
    user_settings = selectors.settings_of(student)
    # 14:30 UTC is 23:30 in Tokyo: quiet. 01:00 UTC is 10:00 in Tokyo: not quiet.
    assert selectors.in_quiet_hours(user_settings, dt.datetime(2026, 3, 2, 14, 30, tzinfo=dt.UTC))
    assert not selectors.in_quiet_hours(user_settings, dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC))
    monkeypatch.setattr(selectors, "in_quiet_hours", lambda *_: True)
    with django_capture_on_commit_callbacks(execute=True):
        notification = services.notify(student, "system", "Shh")
    assert enqueued == []
    assert Notification.objects.filter(pk=notification.pk, read_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_email_is_sent_by_the_worker_after_commit_from_a_template(student, email_worker):
    import time

    services.notify(
        student, "system", "Your class starts soon", "Spanish A2 with Tomás", url="/rooms/"
    )
    deadline = time.monotonic() + 10
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [student.email] and email.subject == "Your class starts soon"
    assert "Spanish A2 with Tomás" in email.body and "/rooms/" in email.body
    tasks.send_notification_email(str(Notification.objects.get().pk))  # redelivery: no second email
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_daily_digest_goes_out_at_eight_local_time_once(student, enqueued):
    services.update_settings(student, time_zone="America/Mexico_City", daily_digest=True)
    services.notify(student, "system", "Lesson reminder")
    from django_celery_beat.models import PeriodicTask

    assert (
        PeriodicTask.objects.get(name="Notification daily digests").task
        == "notifications.send_daily_digests"
    )
    assert tasks.send_daily_digests(dt.datetime.now(dt.UTC).replace(hour=3).isoformat()) == 0
    eight_in_mexico = dt.datetime.now(dt.UTC).replace(hour=14, minute=5)  # UTC-6
    assert tasks.send_daily_digests(eight_in_mexico.isoformat()) == 1
    assert "Lesson reminder" in mail.outbox[0].body
    assert tasks.send_daily_digests(eight_in_mexico.isoformat()) == 0
    assert [kind for kind, _ in enqueued] == []  # no one-by-one email with the digest on


@pytest.mark.django_db(transaction=True)
async def test_the_bell_gets_the_count_on_connect_and_new_notifications_live(
    student, other_student
):
    await sync_to_async(services.notify)(student, "system", "Earlier")
    bell = await connect("/ws/notifications/", user=student)
    assert await bell.receive_json_from(timeout=5) == {"type": "unread_count", "count": 1}
    await sync_to_async(services.notify)(other_student, "system", "Someone else's")
    await sync_to_async(services.notify)(student, "message.new", "Lena wrote", "¿Qué tal?")
    event = await receive_until(bell, "notification.new")
    assert event["unread_count"] == 2
    assert event["notification"]["title"] == "Lena wrote"
    await sync_to_async(services.mark_all_read)(student)
    assert await receive_until(bell, "unread_count") == {"type": "unread_count", "count": 0}
    await bell.disconnect()
