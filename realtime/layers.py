"""The Redis channel layer with fewer round trips per group send.

channels-redis's ``group_send`` makes four round trips to Redis one after the other (drop
the group's expired members, read the members, drop the channels' expired messages, the
Lua script that queues the message on each channel). Here the first two go in one pipeline
and the third moves into the Lua script, which then runs on each channel's key before
counting it against the capacity: two round trips, the same effects in the same order.

Its reader of a server process's own channel takes every queued event in one round trip
(the library pops one event per four round trips, so a burst queued behind one another);
the backup queue that keeps a popped event safe until it is handed on works as before.
Everything else (groups, capacity, expiry, sharding over several hosts, other channels'
readers) is the library's.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
import weakref
from typing import Any

from channels_redis.core import RedisChannelLayer
from redis.exceptions import ConnectionError as RedisConnectionError

logger = logging.getLogger(__name__)

# Group sends and membership changes in flight at once, per event loop. redis-py's pool per
# loop holds 100 connections and raises MaxConnectionsError past them (it does not wait):
# with the chat's fan-out on the socket's loop, 500 senders at once asked for more and lost
# the live copies of 1,295 of 2,000 messages (benchmarks/realtime, 1,000 sockets). Half the
# pool, leaving the rest to the process's reader and other callers.
REDIS_CONCURRENCY = 50

GROUP_SEND_LUA = """
local over_capacity = 0
local current_time = ARGV[#ARGV - 2]
local expiry = ARGV[#ARGV - 1]
local expired_before = ARGV[#ARGV]
for i=1,#KEYS do
    redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, expired_before)
    if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[i + #KEYS]) then
        redis.call('ZADD', KEYS[i], current_time, ARGV[i])
        redis.call('EXPIRE', KEYS[i], expiry)
    else
        over_capacity = over_capacity + 1
    end
end
return over_capacity
"""


def _raise_if_cancelling(task: asyncio.Task[Any] | None) -> None:
    """Ends a read whose task was asked to stop. A cancellation is sometimes used up below
    us without reaching this loop (seen in CI: a consumer's reader stayed "cancelling" in its
    next BZPOPMIN, so the consumer's shutdown, which awaits its reader, never ended and the
    room seat it held was never given back). ``Task.cancelling()`` still counts the request,
    so the loop checks it between Redis calls: such a read ends within ``brpop_timeout``."""
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


class TotoRedisChannelLayer(RedisChannelLayer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Per process channel key: messages already moved to the backup queue and not yet
        # handed on, and how many were handed on since the last call to Redis.
        self._popped: dict[str, collections.deque[bytes]] = collections.defaultdict(
            collections.deque
        )
        self._handed_on: dict[str, int] = collections.defaultdict(int)
        # One semaphore per event loop (async_to_sync runs its own loops in threads).
        self._limits: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def _limit(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        limit = self._limits.get(loop)
        if limit is None:
            limit = self._limits[loop] = asyncio.Semaphore(REDIS_CONCURRENCY)
        return limit

    async def group_add(self, group: str, channel: str) -> None:
        async with self._limit():
            await super().group_add(group, channel)

    async def group_discard(self, group: str, channel: str) -> None:
        async with self._limit():
            await super().group_discard(group, channel)

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        async with self._limit():
            await super().send(channel, message)

    async def receive_single(self, channel: str) -> tuple[Any, dict[str, Any]]:
        """For this process's own channel (``...!``, read by one reader at a time under
        ``receive``'s lock): one round trip takes every queued message at once (up to
        ``POP_BATCH``), moving them to the backup queue as the library does one by one, and
        drops from the backup those already handed on; then they are handed on one per
        call without going back to Redis. An empty channel is waited on as the library does
        (BZPOPMIN, then the backup). Other channels: the library's own reader."""
        if "!" not in channel:
            return await super().receive_single(channel)
        self.require_valid_channel_name(channel, receive=True)
        index = self.consistent_hash(channel)
        channel_key = self.prefix + channel
        backup = self._backup_channel_name(channel_key)
        popped = self._popped[channel_key]
        task = asyncio.current_task()
        while not popped:
            _raise_if_cancelling(task)
            connection = self.connection(index)
            done, self._handed_on[channel_key] = self._handed_on[channel_key], 0
            # If this call is cancelled after Redis ran it, those handed on are not dropped
            # from the backup and come back once more: a duplicate (consumers drop them by
            # sequence), never a loss.
            try:
                result = await connection.eval(POP_LUA, 2, channel_key, backup, done, POP_BATCH)
            except (ConnectionError, RedisConnectionError):
                # After a Redis restart the pool hands out stale connections (join_group
                # retries too); the failed one is dropped and a second try gets a fresh one.
                # The first try may have run before its answer was lost, moving the waiting
                # messages to the backup queue: the retry drops nothing as handed on, so
                # the whole backup goes back in front (at worst a duplicate, never a loss).
                # A second failure propagates.
                result = await connection.eval(POP_LUA, 2, channel_key, backup, 0, POP_BATCH)
            popped.extend(result[0::2])
            _raise_if_cancelling(task)
            if popped:
                break
            item = await connection.bzpopmin(channel_key, timeout=self.brpop_timeout)
            _raise_if_cancelling(task)
            if item is not None:
                _, member, score = item
                await connection.zadd(backup, {member: float(score)})
                popped.append(member)
        content = popped.popleft()
        self._handed_on[channel_key] += 1
        message = self.deserialize(content)
        target: Any = channel
        if "__asgi_channel__" in message:
            target = message.pop("__asgi_channel__")
        return target, message

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self.require_valid_group_name(group)  # raises TypeError on a bad name
        async with self._limit():
            await self._group_send(group, message)

    async def _group_send(self, group: str, message: dict[str, Any]) -> None:
        key = self._group_key(group)
        connection = self.connection(self.consistent_hash(group))
        pipe = connection.pipeline(transaction=False)
        pipe.zremrangebyscore(key, min=0, max=int(time.time()) - self.group_expiry)
        pipe.zrange(key, 0, -1)
        _, members = await pipe.execute()
        channel_names = [x.decode("utf8") for x in members]
        if not channel_names:
            return
        (
            connection_to_channel_keys,
            channel_keys_to_message,
            channel_keys_to_capacity,
        ) = self._map_channel_keys_to_connection(channel_names, message)
        now = time.time()
        for connection_index, channel_keys in connection_to_channel_keys.items():
            args = [channel_keys_to_message[k] for k in channel_keys]
            args += [channel_keys_to_capacity[k] for k in channel_keys]
            args += [now, self.expiry, int(now) - int(self.expiry)]
            over = await self.connection(connection_index).eval(
                GROUP_SEND_LUA, len(channel_keys), *channel_keys, *args
            )
            if over > 0:
                logger.info(
                    "%s of %s channels over capacity in group %s", over, len(channel_names), group
                )


# A process's reader, for one channel: what it handed on since the last call leaves the
# backup queue; anything else still backed up (a read cancelled half-way) goes back in
# front; then up to ARGV[2] messages move from the channel to the backup and are returned.
POP_LUA = """
local done = tonumber(ARGV[1])
if done > 0 then
    redis.call('ZPOPMIN', KEYS[2], done)
end
local backed_up = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
for i = #backed_up, 1, -2 do
    redis.call('ZADD', KEYS[1], backed_up[i], backed_up[i - 1])
end
redis.call('DEL', KEYS[2])
local popped = redis.call('ZPOPMIN', KEYS[1], tonumber(ARGV[2]))
for i = 1, #popped, 2 do
    redis.call('ZADD', KEYS[2], popped[i + 1], popped[i])
end
return popped
"""

POP_BATCH = 64
