"""realtime.layers.TotoRedisChannelLayer: fewer Redis round trips, the same deliveries."""

import asyncio
from typing import Any

from channels.layers import get_channel_layer

from realtime.layers import POP_BATCH, TotoRedisChannelLayer


class Commands:
    """Counts the commands the layer's Redis connections execute (a pipeline is one)."""

    def __init__(self, layer: TotoRedisChannelLayer, monkeypatch: Any) -> None:
        self.names: list[str] = []
        connection = layer.connection(0)
        original = type(connection).execute_command
        pipeline_class = type(connection.pipeline())
        original_pipeline = pipeline_class.execute

        async def execute_command(client: Any, *args: Any, **kwargs: Any) -> Any:
            self.names.append(str(args[0]).upper())
            return await original(client, *args, **kwargs)

        async def execute_pipeline(pipe: Any, *args: Any, **kwargs: Any) -> Any:
            self.names.append("PIPELINE")
            return await original_pipeline(pipe, *args, **kwargs)

        monkeypatch.setattr(type(connection), "execute_command", execute_command)
        monkeypatch.setattr(pipeline_class, "execute", execute_pipeline)


async def test_a_group_send_to_two_channels_is_two_round_trips(monkeypatch: Any) -> None:
    layer = get_channel_layer()
    assert isinstance(layer, TotoRedisChannelLayer)
    first, second = await layer.new_channel(), await layer.new_channel()
    await layer.group_add("two-trips", first)
    await layer.group_add("two-trips", second)
    commands = Commands(layer, monkeypatch)
    await layer.group_send("two-trips", {"type": "chat.message", "n": 1})
    assert commands.names == ["PIPELINE", "EVAL"]
    assert await layer.receive(first) == {"type": "chat.message", "n": 1}
    assert await layer.receive(second) == {"type": "chat.message", "n": 1}
    await layer.group_send("nobody-here", {"type": "chat.message", "n": 2})
    assert commands.names[-1] == "PIPELINE"  # an empty group: nothing queued
    await layer.group_discard("two-trips", first)
    await layer.group_discard("two-trips", second)


async def test_a_burst_is_read_in_one_round_trip_in_order_and_nothing_stays_backed_up(
    monkeypatch: Any,
) -> None:
    layer = get_channel_layer()
    channels = [await layer.new_channel() for _ in range(3)]
    for channel in channels:
        await layer.group_add("burst", channel)
    count = POP_BATCH + 5  # more than one batch
    for n in range(count):
        await layer.group_send("burst", {"type": "chat.message", "n": n})
    commands = Commands(layer, monkeypatch)
    # One Redis entry per message for the whole process (its channels share one key).
    for channel in channels:
        received = [(await layer.receive(channel))["n"] for _ in range(count)]
        assert received == list(range(count))
    assert commands.names.count("EVAL") == 2  # two batches, not one read per message
    assert "BZPOPMIN" not in commands.names
    # The next read drops what was handed on from the backup queue and waits for more.
    waiting = asyncio.ensure_future(layer.receive(channels[0]))
    await asyncio.sleep(0.2)
    connection = layer.connection(0)
    process_key = layer.prefix + layer.non_local_name(channels[0])
    assert await connection.zcard(process_key) == 0
    assert await connection.zcard(layer._backup_channel_name(process_key)) == 0
    await layer.group_send("burst", {"type": "chat.message", "n": "late"})
    assert (await asyncio.wait_for(waiting, 5))["n"] == "late"
    for channel in channels:
        await layer.group_discard("burst", channel)


async def test_a_read_cancelled_while_waiting_loses_nothing() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("cancelled", channel)
    waiting = asyncio.ensure_future(layer.receive(channel))
    await asyncio.sleep(0.2)
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    await layer.group_send("cancelled", {"type": "chat.message", "n": 1})
    await layer.group_send("cancelled", {"type": "chat.message", "n": 2})
    assert [(await layer.receive(channel))["n"] for _ in range(2)] == [1, 2]
    await layer.group_discard("cancelled", channel)


async def test_a_burst_of_group_sends_waits_for_the_pool_instead_of_failing(
    monkeypatch: Any,
) -> None:
    """redis-py's pool per loop raises past 100 connections rather than waiting: 300 group
    sends at once (a chat fan-out under load) must all be delivered, the layer keeping at
    most REDIS_CONCURRENCY commands in flight."""
    from realtime import layers

    layer = get_channel_layer()
    assert isinstance(layer, TotoRedisChannelLayer)
    channel = await layer.new_channel()
    await layer.group_add("burst", channel)
    in_flight = peak = 0
    original = TotoRedisChannelLayer._group_send

    async def counted(self: Any, group: str, message: dict[str, Any]) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            await original(self, group, message)
        finally:
            in_flight -= 1

    monkeypatch.setattr(TotoRedisChannelLayer, "_group_send", counted)
    await asyncio.gather(
        *(layer.group_send("burst", {"type": "chat.message", "n": n}) for n in range(300))
    )
    assert peak == layers.REDIS_CONCURRENCY
    received = [(await layer.receive(channel))["n"] for _ in range(300)]
    assert sorted(received) == list(range(300))
    await layer.group_discard("burst", channel)


async def test_a_reader_asked_to_stop_ends_even_when_redis_py_swallows_the_cancel(
    monkeypatch: Any,
) -> None:
    """A consumer's shutdown awaits its reader: if the reader's cancellation is used up
    below the layer (here: the blocking pop returns "nothing came" instead of raising), the
    layer still ends the read at its next Redis call instead of waiting for messages again
    forever (what CI saw: a room seat never given back)."""
    layer = get_channel_layer()
    assert isinstance(layer, TotoRedisChannelLayer)
    monkeypatch.setattr(layer, "brpop_timeout", 1)
    channel = await layer.new_channel()
    connection_class = type(layer.connection(0))
    original = connection_class.bzpopmin
    waiting = asyncio.Event()

    async def bzpopmin_swallowing_cancel(client: Any, *args: Any, **kwargs: Any) -> Any:
        waiting.set()
        try:
            return await original(client, *args, **kwargs)
        except asyncio.CancelledError:
            return None  # the cancellation goes no further, as below redis-py's call

    monkeypatch.setattr(connection_class, "bzpopmin", bzpopmin_swallowing_cancel)
    reader = asyncio.ensure_future(layer.receive(channel))
    await asyncio.wait_for(waiting.wait(), 10)
    reader.cancel()
    await asyncio.wait([reader], timeout=5)
    assert reader.done() and reader.cancelled()
    # Nothing is lost: a message sent afterwards is read by the next reader.
    monkeypatch.setattr(connection_class, "bzpopmin", original)
    await layer.send(channel, {"type": "after.cancel"})
    assert (await asyncio.wait_for(layer.receive(channel), 10))["type"] == "after.cancel"


async def test_a_read_whose_answer_is_lost_is_retried_without_losing_what_it_took(
    monkeypatch: Any,
) -> None:
    """The reader retries its pop once on a connection error (a stale pooled connection
    after a Redis restart). If the first pop ran before the connection dropped, it had
    already moved the waiting messages to the backup queue: the retry must put them back,
    not drop them as handed on."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("dropped", channel)
    for n in range(3):
        await layer.group_send("dropped", {"type": "chat.message", "n": n})
    assert [(await layer.receive(channel))["n"] for _ in range(3)] == [0, 1, 2]
    for n in range(3, 6):
        await layer.group_send("dropped", {"type": "chat.message", "n": n})

    connection_class = type(layer.connection(0))
    original = connection_class.eval
    failures = []

    async def eval_then_drop_the_answer(client: Any, *args: Any, **kwargs: Any) -> Any:
        result = await original(client, *args, **kwargs)
        if not failures:
            failures.append(args)
            raise RedisConnectionError("Connection closed by server.")
        return result

    monkeypatch.setattr(connection_class, "eval", eval_then_drop_the_answer)
    received = [(await asyncio.wait_for(layer.receive(channel), 5))["n"] for _ in range(3)]
    assert failures and received == [3, 4, 5]
    await layer.group_discard("dropped", channel)
