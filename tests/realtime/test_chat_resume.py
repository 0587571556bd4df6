"""Reconnecting and resuming loses nothing and duplicates nothing, also across a Redis restart
(the channel layer loses its groups and queued events; the database keeps the messages)."""

import asyncio

import pytest
from asgiref.sync import sync_to_async

from core.testing import services as test_services
from core.testing.websockets import connect
from messaging import services
from realtime.testing import drain

pytestmark = pytest.mark.django_db(transaction=True)


def seqs(events):
    return [e["message"]["seq"] for e in events if e["type"] == "message.new"]


@pytest.fixture
def conversation(student, other_student):
    conversation, _ = services.start_conversation(student, [other_student])
    return conversation


async def send(user, conversation, client_id):
    return await sync_to_async(services.send_message)(
        user, conversation.pk, client_id=client_id, body=f"message {client_id}"
    )


async def test_resume_sends_exactly_what_was_missed_while_away(
    student, other_student, conversation
) -> None:
    lena = await connect("/ws/chat/", user=other_student)
    await drain(lena)
    for n in range(1, 4):
        await send(student, conversation, f"a{n}")
    received = seqs(await drain(lena))
    assert received == [1, 2, 3]
    await lena.disconnect()

    for n in range(4, 8):  # while she is away
        await send(student, conversation, f"b{n}")

    lena = await connect("/ws/chat/", user=other_student)
    await drain(lena)
    await lena.send_json_to(
        {"type": "resume", "conversations": {str(conversation.pk): received[-1]}}
    )
    # A message sent while the resume is being answered arrives once, in order.
    await send(student, conversation, "c8")
    events = await drain(lena, settle=0.5)
    assert seqs(events) == [4, 5, 6, 7, 8]
    assert next(e for e in events if e["type"] == "resume.done")["replayed"] == 4
    await lena.disconnect()


async def test_a_lost_event_is_filled_in_from_the_database(
    student, other_student, conversation, monkeypatch
) -> None:
    lena = await connect("/ws/chat/", user=other_student)
    await drain(lena)
    await send(student, conversation, "1")
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    original = layer.group_send

    async def drop_once(group, message):
        if message.get("event", {}).get("message", {}).get("seq") == 2:
            return  # lost on the way, as when Redis fails between commit and fan-out
        await original(group, message)

    monkeypatch.setattr(layer, "group_send", drop_once)
    await send(student, conversation, "2")
    await send(student, conversation, "3")
    assert seqs(await drain(lena)) == [1, 2, 3]
    await lena.disconnect()


async def test_resume_across_a_redis_restart_loses_and_duplicates_nothing(
    student, other_student, conversation
) -> None:
    lena = await connect("/ws/chat/", user=other_student)
    await drain(lena)
    await send(student, conversation, "before-1")
    await send(student, conversation, "before-2")
    received = seqs(await drain(lena))
    assert received == [1, 2]

    await sync_to_async(test_services.services.redis.restart)()
    # The socket's subscription died with Redis; messages keep being stored meanwhile (the
    # fan-out fails and is logged, the send succeeds).
    await send(student, conversation, "during-3")
    await send(student, conversation, "during-4")
    try:
        received += seqs(await drain(lena, settle=0.5))
        await lena.disconnect()
    except Exception:  # noqa: S110 - the old socket may have crashed with the connection
        pass

    lena = await connect("/ws/chat/", user=other_student)
    await drain(lena)
    await lena.send_json_to(
        {"type": "resume", "conversations": {str(conversation.pk): received[-1]}}
    )
    replayed = []
    while (event := await lena.receive_json_from(timeout=5))["type"] != "resume.done":
        replayed.append(event)
    await send(student, conversation, "after-5")
    received_after = seqs(replayed) + seqs(await drain(lena, settle=0.5))
    everything = received + list(received_after)
    assert sorted(everything) == [1, 2, 3, 4, 5]
    assert len(everything) == len(set(everything)), everything
    await lena.disconnect()


async def test_two_sockets_each_get_every_message_once_under_concurrent_senders(
    student, other_student, conversation
) -> None:
    lena_phone = await connect("/ws/chat/", user=other_student)
    lena_laptop = await connect("/ws/chat/", user=other_student)
    await drain(lena_phone)
    await drain(lena_laptop)

    def send_sync(user, n):
        services.send_message(user, conversation.pk, client_id=f"k{n}", body=str(n))

    await asyncio.gather(
        *[
            sync_to_async(send_sync, thread_sensitive=False)(student if n % 2 else other_student, n)
            for n in range(20)
        ]
    )
    for socket in (lena_phone, lena_laptop):
        assert seqs(await drain(socket, settle=0.5)) == list(range(1, 21))
        await socket.disconnect()
