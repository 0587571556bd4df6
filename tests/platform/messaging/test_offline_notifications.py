"""A message to someone with no chat socket open notifies them (notifications.notify,
type message.new), through a Celery task enqueued after commit."""

import pytest

from messaging import presence, services, tasks
from notifications import services as notification_services
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.notify_offline_recipients, "delay", calls.append)
    return calls


@pytest.fixture
def group(student, other_student, teacher):
    conversation, _ = services.start_conversation(
        teacher, [student, other_student], title="Spanish B1"
    )
    return conversation


def send_over_api(api_client, user, conversation, client_id, body="¿Vienes mañana?"):
    api_client.force_login(user)
    response = api_client.post(
        f"/api/v1/conversations/{conversation.pk}/messages/",
        {"client_id": client_id, "body": body},
        format="json",
    )
    assert response.status_code in (200, 201), response.json()
    return response.json()


def test_sending_enqueues_the_offline_check_after_commit_only_once(
    api_client, teacher, group, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_over_api(api_client, teacher, group, "m1")
        send_over_api(api_client, teacher, group, "m1")  # a resend: nothing new
    assert enqueued == [sent["id"]]


def test_nothing_is_enqueued_when_every_recipient_has_the_chat_open(
    api_client, teacher, student, other_student, group, enqueued, django_capture_on_commit_callbacks
):
    presence.connected(student.pk)
    presence.connected(other_student.pk)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            send_over_api(api_client, teacher, group, "both-online")
        assert enqueued == []
        presence.disconnected(other_student.pk)
        with django_capture_on_commit_callbacks(execute=True):
            sent = send_over_api(api_client, teacher, group, "one-away")
        assert enqueued == [sent["id"]]
    finally:
        presence.disconnected(student.pk)


@pytest.mark.django_db(transaction=True)
def test_a_deferred_send_hands_its_nudge_back_only_when_someone_is_away(
    teacher, student, other_student, group
):
    """The chat socket's path (defer=True): it queues the nudge itself, after the fan-out."""
    presence.connected(student.pk)
    presence.connected(other_student.pk)
    try:
        sent = services.send_message(teacher, group.pk, client_id="d1", body="hola", defer=True)
        assert sent.nudge is None
        assert sorted(sent.nudged) == sorted([student.pk, other_student.pk])
        presence.disconnected(student.pk)
        sent = services.send_message(teacher, group.pk, client_id="d2", body="hola", defer=True)
        assert sent.nudge == sent.message.pk
    finally:
        presence.disconnected(other_student.pk)


def test_offline_recipients_are_notified_online_ones_are_not(
    api_client, teacher, student, other_student, group, enqueued
):
    presence.connected(other_student.pk)  # Lena has the chat open
    try:
        sent = send_over_api(api_client, teacher, group, "m1")
        assert tasks.notify_offline_recipients(sent["id"]) == 1
    finally:
        presence.disconnected(other_student.pk)
    (notification,) = Notification.objects.all()
    assert notification.recipient == student
    assert notification.type == "message.new"
    assert notification.title == "Tomás Teacher in Spanish B1"
    assert notification.body == ""  # message text never leaves the encrypted store
    assert notification.data == {"conversation": str(group.pk), "message": sent["id"], "seq": 1}
    assert notification.url == f"/chat/?conversation={group.pk}"


def test_a_burst_while_away_is_one_unread_nudge_per_conversation(
    api_client, teacher, student, other_student, group, enqueued
):
    for n in range(3):
        sent = send_over_api(api_client, teacher, group, f"m{n}")
        tasks.notify_offline_recipients(sent["id"])
    assert Notification.objects.filter(recipient=student).count() == 1
    notification_services.mark_all_read(student)
    sent = send_over_api(api_client, teacher, group, "after-reading")
    assert tasks.notify_offline_recipients(sent["id"]) == 1  # Lena's first is still unread
    assert Notification.objects.filter(recipient=student).count() == 2
    assert Notification.objects.filter(recipient=other_student).count() == 1


def test_preferences_apply_and_blockers_are_not_told(
    api_client, teacher, student, other_student, group, enqueued
):
    notification_services.set_preferences(
        student, {"message.new": {"in_app": False, "email": False, "push": False}}
    )
    services.block_user(other_student, teacher)
    sent = send_over_api(api_client, teacher, group, "m1")
    assert tasks.notify_offline_recipients(sent["id"]) == 0
    assert not Notification.objects.exists()


def test_a_deleted_or_unknown_message_notifies_nobody(api_client, teacher, group, enqueued):
    sent = send_over_api(api_client, teacher, group, "m1")
    api_client.delete(f"/api/v1/conversations/{group.pk}/messages/{sent['id']}/")
    assert tasks.notify_offline_recipients(sent["id"]) == 0
    assert tasks.notify_offline_recipients("00000000-0000-0000-0000-000000000000") == 0
