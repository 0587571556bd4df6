"""Quiet hours and the digest follow the profile's time zone unless the notification
settings override it."""

import datetime as dt

import pytest

from accounts.models import Profile
from notifications import selectors, services, tasks
from notifications.models import Notification

pytestmark = pytest.mark.django_db

# 14:30 UTC: 23:30 in Tokyo (quiet between 22:00 and 07:00), 15:30 in Lisbon (not quiet).
AFTERNOON_UTC = dt.datetime(2026, 3, 2, 14, 30, tzinfo=dt.UTC)


@pytest.fixture
def sam_in_tokyo(student):
    Profile.objects.filter(user=student).update(time_zone="Asia/Tokyo")
    services.update_settings(student, quiet_hours_start=dt.time(22), quiet_hours_end=dt.time(7))
    return student


def test_quiet_hours_use_the_profile_time_zone(sam_in_tokyo, api_client):
    user_settings = selectors.settings_of(sam_in_tokyo)
    assert user_settings.time_zone == ""
    assert selectors.in_quiet_hours(user_settings, AFTERNOON_UTC)
    api_client.force_login(sam_in_tokyo)
    assert api_client.get("/api/v1/notifications/settings/").json()["time_zone"] == ""


def test_the_settings_time_zone_overrides_the_profile(sam_in_tokyo, api_client):
    api_client.force_login(sam_in_tokyo)
    response = api_client.put(
        "/api/v1/notifications/settings/", {"time_zone": "Europe/Lisbon"}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert not selectors.in_quiet_hours(selectors.settings_of(sam_in_tokyo), AFTERNOON_UTC)
    bad = api_client.put(
        "/api/v1/notifications/settings/", {"time_zone": "Mars/Olympus"}, format="json"
    )
    assert bad.status_code == 400 and "time_zone" in bad.json()["fields"]


def test_moving_the_profile_moves_quiet_hours(
    sam_in_tokyo, api_client, monkeypatch, django_capture_on_commit_callbacks
):
    enqueued = []
    monkeypatch.setattr(tasks.send_notification_push, "delay", enqueued.append)
    monkeypatch.setattr(selectors.timezone, "now", lambda: AFTERNOON_UTC)
    api_client.force_login(sam_in_tokyo)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(sam_in_tokyo, "message.new", "Lena wrote")
    assert enqueued == []  # 23:30 in Tokyo: held
    response = api_client.patch("/api/v1/users/me/", {"time_zone": "Europe/Lisbon"}, format="json")
    assert response.status_code == 200, response.content
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(sam_in_tokyo, "message.new", "Lena wrote again")
    assert enqueued == [str(Notification.objects.get(title="Lena wrote again").pk)]


def test_the_digest_goes_out_at_eight_in_the_profile_time_zone(student):
    Profile.objects.filter(user=student).update(time_zone="America/Mexico_City")
    services.update_settings(student, daily_digest=True)
    services.notify(student, "system", "Lesson reminder")
    eight_in_mexico = dt.datetime.now(dt.UTC).replace(hour=14, minute=5)  # UTC-6
    assert tasks.send_daily_digests(eight_in_mexico.replace(hour=8).isoformat()) == 0
    assert tasks.send_daily_digests(eight_in_mexico.isoformat()) == 1
