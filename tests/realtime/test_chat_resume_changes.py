"""Resume also replays the edits and deletes made while the client was away (each change
takes the conversation's next event number; messages carry the event of their version)."""

import pytest
from asgiref.sync import sync_to_async

from core.testing.websockets import connect
from messaging import services
from realtime.testing import drain

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def conversation(student, other_student):
    conversation, _ = services.start_conversation(student, [other_student])
    return conversation


def by_type(events, type_):
    return [e["message"] for e in events if e["type"] == type_]


async def test_resume_replays_edits_and_deletes_made_while_away(
    student, other_student, conversation
) -> None:
    send = sync_to_async(services.send_message)
    sent = [
        (await send(student, conversation.pk, client_id=f"m{n}", body=f"mensaje {n}")).message
        for n in range(1, 4)
    ]
    lena = await connect("/ws/chat/", user=other_student)
    live = await drain(lena)
    await lena.send_json_to({"type": "resume", "conversations": {str(conversation.pk): 0}})
    held = by_type(await drain(lena), "message.new")
    assert [m["seq"] for m in held] == [1, 2, 3] and held[-1]["event"] == 3
    await lena.disconnect()
    assert not by_type(live, "message.updated")

    # While she is away: an edit, a delete, a new message and an edit of the new one.
    await sync_to_async(services.edit_message)(student, conversation.pk, sent[0].pk, "corregido")
    await sync_to_async(services.delete_message)(student, conversation.pk, sent[1].pk)
    fourth = (await send(student, conversation.pk, client_id="m4", body="nuevo")).message
    await sync_to_async(services.edit_message)(student, conversation.pk, fourth.pk, "nuevo!")

    lena = await connect("/ws/chat/", user=other_student)
    await drain(lena)
    await lena.send_json_to(
        {"type": "resume", "conversations": {str(conversation.pk): {"seq": 3, "event": 3}}}
    )
    events = await drain(lena)
    assert [(e["type"], e["message"]["seq"]) for e in events if "message" in e] == [
        ("message.updated", 1),
        ("message.deleted", 2),
        ("message.new", 4),  # the new message in its current (edited) version
    ]
    assert events[0]["message"]["body"] == "corregido"
    assert events[1]["message"]["body"] == "" and events[1]["message"]["deleted"]
    assert events[2]["message"]["body"] == "nuevo!"
    assert events[-1] == {"type": "resume.done", "replayed": 1, "changes": 2}

    # Resuming again from what she now holds replays nothing.
    newest = max(e["message"]["event"] for e in events if "message" in e)
    await lena.send_json_to(
        {"type": "resume", "conversations": {str(conversation.pk): {"seq": 4, "event": newest}}}
    )
    assert await drain(lena) == [{"type": "resume.done", "replayed": 0, "changes": 0}]
    await lena.disconnect()


async def test_a_plain_sequence_resume_replays_changes_since_that_message(
    student, other_student, conversation
) -> None:
    send = sync_to_async(services.send_message)
    first = (await send(student, conversation.pk, client_id="m1", body="uno")).message
    await send(student, conversation.pk, client_id="m2", body="dos")
    await sync_to_async(services.edit_message)(student, conversation.pk, first.pk, "UNO")

    lena = await connect("/ws/chat/", user=other_student)
    await drain(lena)
    # An older client that only tracks sequence numbers: it held 1 and 2 before the edit.
    await lena.send_json_to({"type": "resume", "conversations": {str(conversation.pk): 2}})
    events = await drain(lena)
    assert [(e["type"], e["message"]["body"]) for e in events if "message" in e] == [
        ("message.updated", "UNO")
    ]
    await lena.disconnect()


async def test_changes_in_someone_elses_conversation_are_never_replayed(
    student, other_student, teacher, conversation
) -> None:
    send = sync_to_async(services.send_message)
    first = (await send(student, conversation.pk, client_id="m1", body="privado")).message
    await sync_to_async(services.edit_message)(student, conversation.pk, first.pk, "secreto")
    intruder = await connect("/ws/chat/", user=teacher)
    await drain(intruder)
    await intruder.send_json_to(
        {"type": "resume", "conversations": {str(conversation.pk): {"seq": 1, "event": 0}}}
    )
    assert await drain(intruder) == [{"type": "resume.done", "replayed": 0, "changes": 0}]
    await intruder.disconnect()
