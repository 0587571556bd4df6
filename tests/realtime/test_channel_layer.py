import pytest
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer

from core.testing.websockets import connect


async def test_a_message_round_trips_through_the_redis_channel_layer() -> None:
    layer = get_channel_layer()
    assert isinstance(layer, RedisChannelLayer)
    channel = await layer.new_channel()
    await layer.group_add("round-trip", channel)
    await layer.group_send("round-trip", {"type": "chat.message", "text": "¡hola!"})
    message = await layer.receive(channel)
    assert message == {"type": "chat.message", "text": "¡hola!"}
    await layer.group_discard("round-trip", channel)


@pytest.mark.django_db(transaction=True)
async def test_websockets_are_served_by_the_asgi_application() -> None:
    socket = await connect("/ws/echo/")
    await socket.send_json_to({"type": "ping", "n": 1})
    assert await socket.receive_json_from(timeout=5) == {"type": "ping", "n": 1}
    await socket.send_json_to(["not", "an", "object"])
    reply = await socket.receive_json_from(timeout=5)
    assert reply["type"] == "error"
    assert reply["code"] == "invalid_message"
    await socket.disconnect()
