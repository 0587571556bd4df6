"""The send path the chat socket uses: one thread hop whose fan-out comes back to the
caller (``defer_fan_out``), and the statements one send costs."""

from typing import Any

import pytest

from messaging import errors, services
from messaging.models import Message


@pytest.fixture
def sends(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(services, "send_to_users", lambda *args: calls.append(args))
    return calls


@pytest.mark.django_db(transaction=True)
def test_a_deferred_send_is_committed_and_hands_its_fan_out_back_unsent(
    student: Any, other_student: Any, sends: list[tuple[Any, ...]]
) -> None:
    conversation, _ = services.start_conversation(student, [other_student])
    sends.clear()
    result = services.send_message(
        student, conversation.pk, client_id="c-1", body="hola", defer_fan_out=True
    )
    assert sends == []  # nothing sent from here, now or on commit
    assert Message.objects.filter(pk=result.message.pk).exists()  # committed
    ((recipients, event),) = result.deliveries
    assert sorted(recipients) == sorted([student.pk, other_student.pk])
    assert event["type"] == "message.new"
    assert event["message"]["body"] == "hola"
    assert event["message"]["seq"] == 1
    # The same id again: the stored message, nothing to deliver.
    again = services.send_message(
        student, conversation.pk, client_id="c-1", body="hola", defer_fan_out=True
    )
    assert (again.created, again.deliveries, again.message.pk) == (False, [], result.message.pk)


@pytest.mark.django_db
def test_inside_a_transaction_a_deferred_send_still_fans_out_on_commit(
    student: Any,
    other_student: Any,
    sends: list[tuple[Any, ...]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    conversation, _ = services.start_conversation(student, [other_student])
    with django_capture_on_commit_callbacks(execute=True):
        sends.clear()
        result = services.send_message(
            student, conversation.pk, client_id="c-1", body="hola", defer_fan_out=True
        )
        assert sends == []
    assert result.deliveries == []
    ((_stream, recipients, event),) = sends
    assert sorted(recipients) == sorted([student.pk, other_student.pk])
    assert event["message"]["id"] == str(result.message.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("who_blocks", ["sender", "recipient"])
def test_a_block_either_way_stops_a_direct_message(
    student: Any, other_student: Any, who_blocks: str
) -> None:
    conversation, _ = services.start_conversation(student, [other_student])
    if who_blocks == "sender":
        services.block_user(student, other_student)
    else:
        services.block_user(other_student, student)
    with pytest.raises(errors.Blocked):
        services.send_message(student, conversation.pk, client_id="c-1", body="hola")
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_one_send_costs_a_fixed_number_of_statements(
    student: Any, other_student: Any, django_assert_num_queries: Any
) -> None:
    conversation, _ = services.start_conversation(student, [other_student])
    services.send_message(student, conversation.pk, client_id="c-0", body="warm up")
    # verified e-mail, savepoint, row lock, idempotency check, members with blocks (one
    # query: was two), insert, sequence update, sender's read marker, search tokens,
    # savepoint release.
    with django_assert_num_queries(10):
        services.send_message(student, conversation.pk, client_id="c-1", body="hola que tal")
