"""What one send costs in SQL, and the block check it folds into the members' query."""

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from messaging import errors, services
from messaging.models import Conversation, Message

pytestmark = pytest.mark.django_db


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


def test_one_direct_send_costs_a_fixed_number_of_statements(
    student: Any, other_student: Any, django_assert_num_queries: Any
) -> None:
    conversation, _ = services.start_conversation(student, [other_student])
    services.send_message(student, conversation.pk, client_id="c-0", body="warm up")
    # Inside the test's transaction: savepoint, row lock (with the verified e-mail and the
    # idempotency check: was two statements), the idempotency check again (only inside a
    # caller's transaction, see test_a_send_that_waited_behind_the_same_client_id...),
    # members with blocks (one query: was two), insert, sequence update, sender's read
    # marker, search tokens, savepoint release.
    with django_assert_num_queries(9):
        services.send_message(student, conversation.pk, client_id="c-1", body="hola que tal")


def test_one_group_send_reads_members_and_blockers_in_one_query(
    student: Any, other_student: Any, teacher: Any, django_assert_num_queries: Any
) -> None:
    conversation, _ = services.start_conversation(
        teacher, [student, other_student], title="Spanish B1"
    )
    services.send_message(teacher, conversation.pk, client_id="c-0", body="warm up")
    # The same nine: the blockers who get the message masked come from the members' query
    # (was a third query).
    with django_assert_num_queries(9):
        services.send_message(teacher, conversation.pk, client_id="c-1", body="¿Vienes?")


def test_the_row_lock_statement_refuses_an_unverified_sender(
    student: Any, other_student: Any
) -> None:
    from allauth.account.models import EmailAddress

    conversation, _ = services.start_conversation(student, [other_student])
    EmailAddress.objects.filter(user=student).update(verified=False)
    with pytest.raises(errors.EmailNotVerified):
        services.send_message(student, conversation.pk, client_id="c-1", body="hola")
    # Not a participant and not verified: the address is what the sender hears about first.
    with pytest.raises(errors.EmailNotVerified):
        services.send_message(student, other_student.pk, client_id="c-2", body="hola")
    assert not Message.objects.exists()


def test_a_repeated_client_id_returns_the_stored_message_without_a_second_row(
    student: Any, other_student: Any, django_assert_num_queries: Any
) -> None:
    conversation, _ = services.start_conversation(student, [other_student])
    first = services.send_message(student, conversation.pk, client_id="c-1", body="hola")
    # savepoint, row lock with the stored message's id, that message, savepoint release.
    with django_assert_num_queries(4):
        again = services.send_message(student, conversation.pk, client_id="c-1", body="hola")
    assert (again.created, again.message.pk, again.body) == (False, first.message.pk, "hola")
    # The same client id from the other person is their own message.
    other = services.send_message(other_student, conversation.pk, client_id="c-1", body="y tú")
    assert other.created and other.message.seq == 2


def test_a_deferred_send_hands_its_fan_out_and_nudge_to_the_caller(
    student: Any, other_student: Any, django_capture_on_commit_callbacks: Any
) -> None:
    conversation, _ = services.start_conversation(student, [other_student])
    with django_capture_on_commit_callbacks() as callbacks:
        result = services.send_message(
            student, conversation.pk, client_id="c-1", body="hola", defer=True
        )
    # Inside the test's transaction nothing is deferred: the commit has not happened yet.
    assert result.fan_out == [] and result.nudge is None and len(callbacks) == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_sends_come_back_in_order(
    student: Any, other_student: Any
) -> None:
    conversation, _ = services.start_conversation(student, [other_student])
    result = services.send_message(
        student, conversation.pk, client_id="c-1", body="hola", defer=True
    )
    ((users, event),) = result.fan_out
    assert users == [other_student.pk, student.pk]  # the sender's own tabs last
    assert event["type"] == "message.new" and event["message"]["body"] == "hola"
    assert result.nudge == result.message.pk


@pytest.mark.django_db(transaction=True)
def test_a_send_outside_a_transaction_costs_six_statements_and_its_commit(
    student: Any, other_student: Any, django_assert_num_queries: Any
) -> None:
    """The socket's and the API's path: BEGIN, row lock (with the verified e-mail and the
    idempotency check), members with blocks, insert, sequence update, read marker, tokens,
    COMMIT (Django logs the transaction's own two)."""
    conversation, _ = services.start_conversation(student, [other_student])
    services.send_message(student, conversation.pk, client_id="c-0", body="warm up")
    with django_assert_num_queries(8):
        services.send_message(student, conversation.pk, client_id="c-1", body="hola que tal")


@pytest.mark.django_db(transaction=True)
def test_a_send_that_waited_behind_the_same_client_id_answers_as_a_duplicate(
    student: Any, other_student: Any
) -> None:
    """Two sends of one client id at once (a retry on another tab): the second waits for
    the row lock while the first commits; its locking statement's snapshot is older than
    that commit, so it must not store a second row, nor fail."""
    conversation, _ = services.start_conversation(student, [other_student])
    locked, go_on = threading.Event(), threading.Event()
    results: dict[str, Any] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                Conversation.objects.select_for_update().get(pk=conversation.pk)
                locked.set()
                go_on.wait(30)
                results["first"] = services.send_message(
                    student, conversation.pk, client_id="same", body="hola"
                )
        finally:
            connection.close()

    def second() -> None:
        try:
            results["second"] = services.send_message(
                student, conversation.pk, client_id="same", body="hola"
            )
        except Exception as exc:
            results["second"] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=first)]
    threads[0].start()
    assert locked.wait(30)
    threads.append(threading.Thread(target=second))
    threads[1].start()
    with connection.cursor() as cursor:  # the second send is waiting for the lock
        for _ in range(300):
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                break
            threading.Event().wait(0.05)
        else:
            pytest.fail("the second send never waited for the row lock")
    go_on.set()
    for thread in threads:
        thread.join(30)
    assert results["first"].created
    second_result = results["second"]
    assert not isinstance(second_result, Exception), second_result
    assert not second_result.created
    assert second_result.message.pk == results["first"].message.pk
    assert Message.objects.filter(conversation=conversation).count() == 1
