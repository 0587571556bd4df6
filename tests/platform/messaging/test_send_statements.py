"""What one send costs in SQL, and the block check it folds into the members' query."""

from typing import Any

import pytest

from messaging import errors, services
from messaging.models import Message

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
    # verified e-mail, savepoint, row lock, idempotency check, members with blocks (one
    # query: was two), insert, sequence update, sender's read marker, search tokens,
    # savepoint release.
    with django_assert_num_queries(10):
        services.send_message(student, conversation.pk, client_id="c-1", body="hola que tal")


def test_one_group_send_reads_members_and_blockers_in_one_query(
    student: Any, other_student: Any, teacher: Any, django_assert_num_queries: Any
) -> None:
    conversation, _ = services.start_conversation(
        teacher, [student, other_student], title="Spanish B1"
    )
    services.send_message(teacher, conversation.pk, client_id="c-0", body="warm up")
    # The same ten: the blockers who get the message masked come from the members' query
    # (was a third query).
    with django_assert_num_queries(10):
        services.send_message(teacher, conversation.pk, client_id="c-1", body="¿Vienes?")
