"""The real-time demo data (chat, notifications, a voice room) loads, and loads again."""

import pytest
from django.core.management import call_command

from messaging.models import Conversation, Message
from notifications.models import Notification
from rooms.models import Room

pytestmark = pytest.mark.django_db


def test_demo_chat_notifications_and_voice_room_are_idempotent(monkeypatch) -> None:
    from messaging import tasks

    monkeypatch.setattr(tasks.notify_offline_recipients, "delay", lambda *_: None)
    call_command("load_demo_data", verbosity=0)
    call_command("load_demo_data", verbosity=0)

    conversation = Conversation.objects.get(
        participants__user__email="student@toto.localhost", kind=Conversation.Kind.DIRECT
    )
    assert set(conversation.participants.values_list("user__email", flat=True)) == {
        "student@toto.localhost",
        "teacher@toto.localhost",
    }
    assert Message.objects.filter(conversation=conversation).count() == 4
    assert conversation.last_seq == 4
    from notifications.demo import NOTIFICATIONS

    # The notifications demo's own three, once each after two loads (other apps' demo steps
    # send the student theirs: social follows, badges…).
    demo_types = [type_ for type_, *_ in NOTIFICATIONS]
    assert (
        Notification.objects.filter(
            recipient__email="student@toto.localhost", type__in=demo_types
        ).count()
        == 3
    )
    room = Room.objects.get(kind=Room.Kind.VOICE)
    assert room.host.email == "teacher@toto.localhost" and room.language == "es"
