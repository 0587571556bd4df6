"""The chat socket over the real ASGI app and the real Redis channel layer."""

import asyncio
import uuid

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings

from core.testing.websockets import connect, refused
from messaging import services
from messaging.models import Message
from realtime.testing import drain, receive_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def conversation(student, other_student):
    conversation, _ = services.start_conversation(student, [other_student])
    return conversation


async def test_an_anonymous_socket_is_closed_with_4401() -> None:
    assert await refused("/ws/chat/") == 4401


async def test_an_unverified_user_is_closed_with_4412(user_factory) -> None:
    user = await sync_to_async(user_factory)(verified=False)
    assert await refused("/ws/chat/", user=user) == 4412


async def test_a_message_is_acknowledged_with_a_sequence_and_reaches_the_other(
    student, other_student, conversation, group_sends
) -> None:
    sam = await connect("/ws/chat/", user=student)
    lena = await connect("/ws/chat/", user=other_student)
    await drain(sam)
    await drain(lena)
    group_sends.clear()

    await sam.send_json_to(
        {
            "type": "message.send",
            "conversation": str(conversation.pk),
            "client_id": "c-1",
            "body": "¡Hola, Lena!",
        }
    )
    ack = await receive_until(sam, "message.ack")
    assert ack == {
        "type": "message.ack",
        "client_id": "c-1",
        "conversation": str(conversation.pk),
        "id": ack["id"],
        "seq": 1,
        "duplicate": False,
    }
    received = await receive_until(lena, "message.new")
    assert received["message"]["body"] == "¡Hola, Lena!"
    assert received["message"]["seq"] == 1
    assert received["message"]["sender"] == str(student.pk)
    # The sender's other tabs hear it too: one group send per participant, nothing else.
    assert (await receive_until(sam, "message.new"))["message"]["id"] == ack["id"]
    assert len(group_sends.calls) == 2
    assert sorted(group_sends.groups("message.new")) == sorted(
        [f"chat.{student.pk.hex}", f"chat.{other_student.pk.hex}"]
    )
    await sam.disconnect()
    await lena.disconnect()


async def test_sending_the_same_client_id_twice_stores_and_fans_out_once(
    student, other_student, conversation, group_sends
) -> None:
    sam = await connect("/ws/chat/", user=student)
    await drain(sam)
    group_sends.clear()
    payload = {
        "type": "message.send",
        "conversation": str(conversation.pk),
        "client_id": "same",
        "body": "once",
    }
    await sam.send_json_to(payload)
    first = await receive_until(sam, "message.ack")
    await sam.send_json_to(payload)
    second = await receive_until(sam, "message.ack")
    assert second["id"] == first["id"] and second["seq"] == first["seq"] == 1
    assert second["duplicate"] is True
    assert await sync_to_async(Message.objects.filter(conversation=conversation).count)() == 1
    assert len(group_sends.events("message.new")) == 2  # the first send only, to two users
    await sam.disconnect()


async def test_concurrent_senders_get_distinct_gapless_sequence_numbers(
    student, other_student, conversation
) -> None:
    def send(user, index):
        return services.send_message(
            user, conversation.pk, client_id=f"m{index}", body=str(index)
        ).message.seq

    seqs = await asyncio.gather(
        *[
            sync_to_async(send, thread_sensitive=False)(student if i % 2 else other_student, i)
            for i in range(12)
        ]
    )
    assert sorted(seqs) == list(range(1, 13))


async def test_nobody_sends_into_a_conversation_they_are_not_in(
    student, user_factory, conversation
) -> None:
    outsider = await sync_to_async(user_factory)()
    socket = await connect("/ws/chat/", user=outsider)
    await drain(socket)
    await socket.send_json_to(
        {
            "type": "message.send",
            "conversation": str(conversation.pk),
            "client_id": "x",
            "body": "hi",
        }
    )
    error = await receive_until(socket, "error")
    assert error["code"] == "not_found"
    # Nor does resuming hand them its messages.
    await sync_to_async(services.send_message)(
        student, conversation.pk, client_id="s", body="secret"
    )
    await socket.send_json_to({"type": "resume", "conversations": {str(conversation.pk): 0}})
    done = await receive_until(socket, "resume.done")
    assert done["replayed"] == 0
    assert not [e for e in await drain(socket) if e["type"] == "message.new"]
    await socket.disconnect()


async def test_typing_reaches_the_others_and_stops_above_the_group_size(
    student, other_student, user_factory, group_sends
) -> None:
    direct, _ = await sync_to_async(services.start_conversation)(student, [other_student])
    third = await sync_to_async(user_factory)()
    group, _ = await sync_to_async(services.start_conversation)(student, [other_student, third])
    sam = await connect("/ws/chat/", user=student)
    lena = await connect("/ws/chat/", user=other_student)
    await drain(sam)
    await drain(lena)
    group_sends.clear()

    await sam.send_json_to({"type": "typing", "conversation": str(direct.pk)})
    typing = await receive_until(lena, "typing")
    assert typing == {"type": "typing", "conversation": str(direct.pk), "user": str(student.pk)}
    assert group_sends.groups("typing") == [f"chat.{other_student.pk.hex}"]

    group_sends.clear()
    with override_settings(MESSAGING_TYPING_MAX_GROUP_SIZE=2):
        await sam.send_json_to({"type": "typing", "conversation": str(group.pk)})
        await sam.send_json_to({"type": "ping"})
        await receive_until(sam, "pong")
    assert group_sends.events("typing") == []
    assert not [e for e in await drain(lena) if e["type"] == "typing"]
    await sam.disconnect()
    await lena.disconnect()


async def test_read_receipts_respect_the_readers_privacy_setting(
    student, other_student, conversation, group_sends
) -> None:
    await sync_to_async(services.send_message)(student, conversation.pk, client_id="a", body="1")
    sam = await connect("/ws/chat/", user=student)
    lena = await connect("/ws/chat/", user=other_student)
    await drain(sam)
    await drain(lena)

    await lena.send_json_to({"type": "read", "conversation": str(conversation.pk), "seq": 1})
    receipt = await receive_until(sam, "read")
    assert receipt == {
        "type": "read",
        "conversation": str(conversation.pk),
        "user": str(other_student.pk),
        "seq": 1,
    }

    await sync_to_async(services.set_preferences)(other_student, send_read_receipts=False)
    await sync_to_async(services.send_message)(student, conversation.pk, client_id="b", body="2")
    await drain(sam)
    group_sends.clear()
    await lena.send_json_to({"type": "read", "conversation": str(conversation.pk), "seq": 2})
    await lena.send_json_to({"type": "ping"})
    await receive_until(lena, "pong")
    assert group_sends.events("read") == []
    participant = await sync_to_async(conversation.participants.get)(user=other_student)
    assert participant.last_read_seq == 2  # still recorded for her own unread count
    await sam.disconnect()
    await lena.disconnect()


async def test_presence_is_told_to_contacts_only(
    student, other_student, user_factory, conversation
) -> None:
    stranger = await sync_to_async(user_factory)()
    lena = await connect("/ws/chat/", user=other_student)
    watcher = await connect("/ws/chat/", user=stranger)
    await drain(lena)
    await drain(watcher)

    sam = await connect("/ws/chat/", user=student)
    online = await receive_until(lena, "presence")
    assert online == {"type": "presence", "user": str(student.pk), "online": True}
    # A second tab does not announce again; closing one of two does not go offline.
    sam_2 = await connect("/ws/chat/", user=student)
    await sam_2.disconnect()
    assert not [e for e in await drain(lena) if e["type"] == "presence"]
    await sam.disconnect()
    offline = await receive_until(lena, "presence")
    assert offline["online"] is False
    assert not [e for e in await drain(watcher) if e["type"] == "presence"]
    await lena.disconnect()
    await watcher.disconnect()


async def test_messages_are_unreadable_in_the_database(student, conversation) -> None:
    result = await sync_to_async(services.send_message)(
        student, conversation.pk, client_id=str(uuid.uuid4()), body="mi secreto"
    )
    stored = await sync_to_async(Message.objects.get)(pk=result.message.pk)
    assert "secreto" not in stored.body_encrypted
    assert stored.body_encrypted.startswith("gAAAA")  # a Fernet token


async def test_an_idle_socket_outlives_the_channel_layer_s_blocking_read(
    student, other_student, conversation
) -> None:
    # channels-redis blocks 5 s per BZPOPMIN: with redis-py's default read timeout an idle
    # consumer crashed (1011) right then. Stay idle past it, then receive.
    lena = await connect("/ws/chat/", user=other_student)
    await drain(lena)
    await asyncio.sleep(6.5)
    await sync_to_async(services.send_message)(
        student, conversation.pk, client_id="late", body="¿sigues ahí?"
    )
    assert (await receive_until(lena, "message.new"))["message"]["body"] == "¿sigues ahí?"
    await lena.disconnect()


async def test_frames_and_events_reach_their_handlers_without_a_hop_to_the_sync_thread(
    student, other_student, conversation, monkeypatch
) -> None:
    """Channels' dispatch would hop to its one thread-sensitive thread before every frame
    and every group event (close_old_connections); our consumers query only through
    database_sync_to_async, which closes old connections in its own thread."""
    import channels.consumer

    hops: list[str] = []

    async def hop() -> None:
        hops.append("close_old_connections")

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", hop)
    sam = await connect("/ws/chat/", user=student)
    lena = await connect("/ws/chat/", user=other_student)
    await drain(sam)
    await drain(lena)
    await sam.send_json_to(
        {
            "type": "message.send",
            "conversation": str(conversation.pk),
            "client_id": "h-1",
            "body": "sin saltos",
        }
    )
    await receive_until(sam, "message.ack")
    assert (await receive_until(lena, "message.new"))["message"]["body"] == "sin saltos"
    await sam.send_json_to({"type": "ping"})
    assert (await receive_until(sam, "pong")) == {"type": "pong"}
    assert hops == []
    await sam.disconnect()
    await lena.disconnect()
