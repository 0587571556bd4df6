"""The notification centre on the website: the list (paginated, at a fixed cost), opening
one reads it and goes to its object, marking one or all read; only one's own."""

import pytest

from notifications import services, tasks
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_delivery(monkeypatch):
    monkeypatch.setattr(tasks.send_notification_email, "delay", lambda pk: None)
    monkeypatch.setattr(tasks.send_notification_push, "delay", lambda pk: None)


def test_the_page_lists_my_notifications_paginated_at_a_fixed_cost(
    client, student, other_student, assert_num_queries
):
    for n in range(3):
        services.notify(student, "system", f"Hello {n}", url="/tutoring/dashboard/")
    services.notify(other_student, "system", "Not for Sam")
    client.force_login(student)
    client.get("/notifications/")
    with assert_num_queries(12):  # the page (4) and the base layout around it
        page = client.get("/notifications/").content.decode()
    assert all(f"Hello {n}" in page for n in range(3)) and "Not for Sam" not in page
    assert "3 unread" in page
    for n in range(30):
        services.notify(student, "system", f"More {n}")
    with assert_num_queries(12):  # the page (4) and the base layout around it
        page = client.get("/notifications/").content.decode()
    assert page.count('class="notification ') == 20 and "1 / 2" in page
    second = client.get("/notifications/", {"page": 2}).content.decode()
    assert second.count('class="notification ') == 13 and "Hello 0" in second


def test_opening_a_notification_reads_it_and_goes_to_its_object(client, student):
    services.notify(student, "system", "Lesson booked", url="/tutoring/dashboard/")
    services.notify(student, "system", "Elsewhere", url="https://evil.example/phish")
    booked = Notification.objects.get(title="Lesson booked")
    client.force_login(student)
    response = client.get(f"/notifications/{booked.pk}/")
    assert response.status_code == 302 and response["Location"] == "/tutoring/dashboard/"
    booked.refresh_from_db()
    assert booked.read_at is not None
    # A stored link to another site never sends the reader away.
    elsewhere = Notification.objects.get(title="Elsewhere")
    response = client.get(f"/notifications/{elsewhere.pk}/")
    assert response["Location"] == "/notifications/"


def test_mark_one_and_all_read(client, student):
    for n in range(3):
        services.notify(student, "system", f"Hello {n}")
    first = Notification.objects.filter(recipient=student).first()
    client.force_login(student)
    response = client.post(f"/notifications/{first.pk}/read/", {"next": "/notifications/?page=1"})
    assert response["Location"] == "/notifications/?page=1"
    assert Notification.objects.filter(recipient=student, read_at__isnull=True).count() == 2
    assert "2 unread" in client.get("/notifications/").content.decode()
    unread_page = client.get("/notifications/", {"unread": "1"}).content.decode()
    assert first.title not in unread_page
    client.post("/notifications/read-all/")
    assert not Notification.objects.filter(recipient=student, read_at__isnull=True).exists()
    assert (
        "You have read everything."
        in client.get("/notifications/", {"unread": "1"}).content.decode()
    )


def test_another_users_notification_is_404(client, student, other_student):
    services.notify(other_student, "system", "Private", url="/tutoring/dashboard/")
    theirs = Notification.objects.get(recipient=other_student)
    client.force_login(student)
    assert client.get(f"/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    client.post("/notifications/read-all/")
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert "Private" not in client.get("/notifications/").content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_bell_links_to_the_page_and_carries_its_menu(client, student):
    client.force_login(student)
    page = client.get("/tutoring/dashboard/").content.decode()
    assert 'href="/notifications/" data-notification-bell' in page
    assert 'id="bell-panel"' in page and "See all notifications" in page
