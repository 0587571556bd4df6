"""The moderation queue, voice room listing and notification types in the Wagtail admin,
through the admin's own pages (Django test client)."""

import pytest

from messaging import services
from messaging.models import Report
from rooms import services as room_services

pytestmark = pytest.mark.django_db

QUEUE = "/admin/moderation/reports/"


@pytest.fixture
def reports(student, other_student, teacher):
    conversation, _ = services.start_conversation(student, [other_student])
    insult = services.send_message(
        other_student, conversation.pk, client_id="x", body="eres tonto"
    ).message
    return [
        services.report_user(student, other_student, "Insults in chat", insult.pk),
        services.report_user(other_student, teacher, "Spam links"),
    ]


def test_moderators_list_filter_and_search_reports(client, moderator, reports) -> None:
    client.force_login(moderator)
    page = client.get(QUEUE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "lena@example.com" in html and "tomas@example.com" in html
    services.close_report(reports[1], by=moderator, status=Report.Status.DISMISSED, note="ok")
    open_only = client.get(QUEUE, {"status": "open"}).content.decode()
    assert "Insults in chat" in open_only and "Spam links" not in open_only
    searched = client.get(QUEUE, {"q": "spam"}).content.decode()
    assert "Spam links" in searched and "Insults in chat" not in searched
    menu = client.get("/admin/").content.decode()
    assert QUEUE in menu and "/admin/voice-rooms/" in menu
    assert "/admin/notification-types/" not in menu  # admins only


def test_a_moderator_resolves_a_report_with_a_note_and_can_go_suspend(
    client, moderator, reports, other_student
) -> None:
    client.force_login(moderator)
    review = client.get(f"{QUEUE}edit/{reports[0].pk}/")
    html = review.content.decode()
    assert "eres tonto" in html  # the quoted message, decrypted for the moderator
    assert f"/admin/members/edit/{other_student.pk}/" in html
    bad = client.post(f"{QUEUE}edit/{reports[0].pk}/", {"status": "resolved", "note": ""})
    assert bad.status_code == 200 and Report.objects.get(pk=reports[0].pk).status == "open"
    done = client.post(
        f"{QUEUE}edit/{reports[0].pk}/", {"status": "resolved", "note": "Warned, then suspended"}
    )
    assert done.status_code == 302
    report = Report.objects.get(pk=reports[0].pk)
    assert (report.status, report.resolution_note, report.resolved_by) == (
        "resolved",
        "Warned, then suspended",
        moderator,
    )
    assert report.resolved_at is not None


def test_people_without_the_permission_see_nothing(client, teacher, content_creator, reports):
    client.force_login(content_creator)  # an admin user, but not a moderator
    assert client.get(QUEUE).status_code in (302, 403)
    assert client.get(f"{QUEUE}edit/{reports[0].pk}/").status_code in (302, 403)
    assert client.post(
        f"{QUEUE}edit/{reports[0].pk}/", {"status": "dismissed", "note": "x"}
    ).status_code in (302, 403)
    assert QUEUE not in client.get("/admin/").content.decode()
    assert Report.objects.get(pk=reports[0].pk).status == "open"


def test_voice_rooms_are_listed_with_filters(client, moderator, teacher) -> None:
    room_services.create_voice_room(teacher, "Café español", "es")
    room_services.create_voice_room(teacher, "English small talk", "en")
    room_services.create_classroom(teacher, [], topic="Private class")
    client.force_login(moderator)
    html = client.get("/admin/voice-rooms/").content.decode()
    assert "Café español" in html and "English small talk" in html
    assert "Private class" not in html
    spanish = client.get("/admin/voice-rooms/", {"language": "es"}).content.decode()
    assert "Café español" in spanish and "English small talk" not in spanish


def test_admins_see_the_notification_types_with_their_use(client, admin, moderator, student):
    from notifications.services import notify

    notify(student, "system", "Hello")
    client.force_login(admin)
    html = client.get("/admin/notification-types/").content.decode()
    assert "message.new" in html and "call.missed" in html
    assert "/admin/notification-types/" in client.get("/admin/").content.decode()
    client.force_login(moderator)
    assert client.get("/admin/notification-types/").status_code in (302, 403)
