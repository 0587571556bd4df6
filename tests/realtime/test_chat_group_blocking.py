"""Blocking in groups: both stay in the group; the blocker sees the blocked person's
messages only as hidden placeholders (sequence kept whole), live, in history, on resume and
in search, and is not told when they type."""

import pytest
from asgiref.sync import sync_to_async

from core.testing.websockets import connect
from messaging import services
from realtime.testing import drain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def group(student, other_student, teacher):
    conversation, _ = services.start_conversation(
        teacher, [student, other_student], title="Spanish B1"
    )
    services.block_user(student, other_student)  # Sam blocks Lena
    return conversation


async def test_the_blocker_gets_hidden_placeholders_live_and_on_resume(
    student, other_student, teacher, group
) -> None:
    sam = await connect("/ws/chat/", user=student)
    tomas = await connect("/ws/chat/", user=teacher)
    await drain(sam)
    await drain(tomas)
    send = sync_to_async(services.send_message)
    await other_student_types(other_student, group)
    await send(other_student, group.pk, client_id="l1", body="hola a todos")
    await send(teacher, group.pk, client_id="t1", body="bienvenidos")

    sam_events = await drain(sam)
    tomas_events = await drain(tomas)
    assert not [e for e in sam_events if e["type"] == "typing"]
    assert [e for e in tomas_events if e["type"] == "typing"]
    sam_messages = [e["message"] for e in sam_events if e["type"] == "message.new"]
    assert [(m["seq"], m["hidden"], m["body"]) for m in sam_messages] == [
        (1, True, ""),
        (2, False, "bienvenidos"),
    ]
    tomas_messages = [e["message"] for e in tomas_events if e["type"] == "message.new"]
    assert [(m["hidden"], m["body"]) for m in tomas_messages] == [
        (False, "hola a todos"),
        (False, "bienvenidos"),
    ]
    await sam.disconnect()

    sam = await connect("/ws/chat/", user=student)
    await drain(sam)
    await sam.send_json_to({"type": "resume", "conversations": {str(group.pk): 0}})
    replay = [e["message"] for e in await drain(sam) if e["type"] == "message.new"]
    assert [(m["seq"], m["hidden"], m["body"]) for m in replay] == [
        (1, True, ""),
        (2, False, "bienvenidos"),
    ]
    await sam.disconnect()
    await tomas.disconnect()


async def other_student_types(other_student, group) -> None:
    lena = await connect("/ws/chat/", user=other_student)
    await drain(lena)
    await lena.send_json_to({"type": "typing", "conversation": str(group.pk)})
    await drain(lena, settle=0.1)
    await lena.disconnect()


def test_history_and_search_hide_the_blocked_persons_messages(
    api_client, student, other_student, teacher, group
) -> None:
    services.send_message(other_student, group.pk, client_id="l1", body="gato negro")
    services.send_message(teacher, group.pk, client_id="t1", body="gato blanco")
    api_client.force_login(student)
    history = api_client.get(f"/api/v1/conversations/{group.pk}/messages/").json()["results"]
    assert [(m["seq"], m["hidden"], m["body"]) for m in history[::-1]] == [
        (1, True, ""),
        (2, False, "gato blanco"),
    ]
    found = api_client.get("/api/v1/messages/search/", {"q": "gato"}).json()
    assert [m["body"] for m in found] == ["gato blanco"]
    # Everyone else, and Lena herself, still see everything; unblocking restores it.
    api_client.force_login(teacher)
    assert [
        m["body"]
        for m in api_client.get(f"/api/v1/conversations/{group.pk}/messages/").json()["results"]
    ] == ["gato blanco", "gato negro"]  # newest first
    services.unblock_user(student, other_student.pk)
    api_client.force_login(student)
    assert not any(
        m["hidden"]
        for m in api_client.get(f"/api/v1/conversations/{group.pk}/messages/").json()["results"]
    )


def test_blocking_does_not_keep_people_out_of_groups_but_does_out_of_direct_talk(
    api_client, student, other_student, teacher, group
) -> None:
    api_client.force_login(teacher)
    another = api_client.post(
        "/api/v1/conversations/",
        {"participants": [str(student.pk), str(other_student.pk)], "title": "Grupo 2"},
        format="json",
    )
    assert another.status_code == 201
    api_client.force_login(other_student)
    direct = api_client.post(
        "/api/v1/conversations/", {"participants": [str(student.pk)]}, format="json"
    )
    assert direct.status_code == 403 and direct.json()["code"] == "blocked"
