"""The send's two reads, written out for PostgreSQL (messaging.selectors._SEND_STATEMENTS),
say what their ORM versions say, on the same rows, in every case a send meets."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from messaging import selectors, services

pytestmark = pytest.mark.django_db


def both_ways(conversation_id, sender, client_id):
    written = selectors.locked_for_send(conversation_id, sender, client_id)
    built = selectors._locked_for_send_orm(conversation_id, sender, client_id)
    flat = [
        None if answer is None else (answer[0].pk, answer[0].last_seq, answer[1], answer[2])
        for answer in (written, built)
    ]
    assert flat[0] == flat[1]
    return flat[0]


def test_the_written_statements_run_here():
    assert connection.vendor == "postgresql"


def test_locking_read_matches_the_orm(student, other_student, teacher, user_factory):
    group, _ = services.start_conversation(teacher, [student, other_student], title="B1")
    sent = services.send_message(student, group.pk, client_id="c-1", body="hola")

    assert both_ways(group.pk, student, "c-2") == (group.pk, 1, True, None)
    assert both_ways(str(group.pk), student, "c-1") == (group.pk, 1, True, sent.message.pk)
    assert both_ways(group.pk, teacher, "c-1") == (group.pk, 1, True, None)  # not his id
    outsider = user_factory(email="out@example.com")
    assert both_ways(group.pk, outsider, "c-1") is None
    assert both_ways(uuid.uuid4(), student, "c-1") is None
    assert both_ways(None, student, "c-1") is None

    unverified = user_factory(email="new@example.com", verified=False)
    direct, _ = services.start_conversation(student, [unverified])
    assert both_ways(direct.pk, unverified, "c-1") == (direct.pk, 0, False, None)
    # The address is compared without case, as the ORM's iexact does.
    student.email = "SAM@EXAMPLE.COM"
    assert both_ways(group.pk, student, "c-3") == (group.pk, 1, True, None)

    for not_an_id in ("garbage", "12"):
        with pytest.raises(ValidationError):
            selectors.locked_for_send(not_an_id, student, "c-1")
        with pytest.raises(ValidationError):
            selectors._locked_for_send_orm(not_an_id, student, "c-1")


def test_members_and_blocks_matches_the_orm(student, other_student, teacher):
    group, _ = services.start_conversation(teacher, [student, other_student], title="B1")
    services.block_user(other_student, teacher)  # Lena blocked Tomás
    services.block_user(teacher, student)  # Tomás blocked Sam
    for user in (teacher, student, other_student):
        written = selectors.members_and_blocks(group.pk, user.pk)
        assert written == selectors._members_and_blocks_orm(group.pk, user.pk)
    assert selectors.members_and_blocks(group.pk, teacher.pk) == {
        teacher.pk: (False, False),
        student.pk: (False, True),
        other_student.pk: (True, False),
    }
    assert selectors.members_and_blocks(uuid.uuid4(), teacher.pk) == {}
