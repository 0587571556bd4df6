"""Who hears a new message first: the other members, then the sender's own tabs. The group
sends run one after the other and a server's channel-layer reader pops one event at a time,
so the echo to the sender would otherwise sit in front of every recipient."""

from typing import Any

import pytest

from messaging import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def sends(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        services, "send_to_users", lambda stream, users, event: calls.append((list(users), event))
    )
    return calls


@pytest.mark.parametrize("who_sends", ["teacher", "student", "other_student"])
def test_the_sender_s_own_sockets_hear_a_message_after_everyone_else(
    request: pytest.FixtureRequest,
    who_sends: str,
    student: Any,
    other_student: Any,
    teacher: Any,
    sends: list[tuple[Any, ...]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    conversation, _ = services.start_conversation(
        teacher, [student, other_student], title="Spanish B1"
    )
    sender = request.getfixturevalue(who_sends)
    sends.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(sender, conversation.pk, client_id="c-1", body="¿Vienes?")
    ((recipients, event),) = sends
    assert event["type"] == "message.new"
    assert sorted(recipients[:-1]) == sorted(
        pk for pk in (teacher.pk, student.pk, other_student.pk) if pk != sender.pk
    )
    assert recipients[-1] == sender.pk
