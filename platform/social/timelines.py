"""Home timelines in Redis: one capped sorted set of moment ids per person, filled on write.

Like Mastodon's home feeds: when someone posts, a Celery task (after commit) adds the moment
to the timeline of every follower whose timeline exists, then trims it to
``SOCIAL_TIMELINE_MAX`` ids. The score is the moment's creation time in microseconds, so a
timeline reads newest first and a cursor is a score. A timeline not read for
``SOCIAL_TIMELINE_TTL_DAYS`` expires; fan-out skips people without one (nobody writes into
the feeds of people who left), and the next read rebuilds it from the database.

Redis holds ids only, never the truth: every read goes back to the database through
``selectors.visible_moments``, so a block, a limit, a hidden or deleted moment, or a deleted
account is filtered out even when a stale id is still in a timeline. Without Redis (the
embedded default) the feed is read from the database directly, with the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

import redis
from django.conf import settings

# Adds to existing timelines only, then trims each to the cap (rank 0 is the placeholder
# that marks an existing, maybe empty, timeline: never trimmed): one round trip per batch.
_ADD_IF_EXISTS = """
local cap = tonumber(ARGV[1])
local count = (#ARGV - 1) / 2
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    for j = 0, count - 1 do
      redis.call('ZADD', key, ARGV[2 + j * 2], ARGV[3 + j * 2])
    end
    redis.call('ZREMRANGEBYRANK', key, 1, -cap - 1)
  end
end
return 1
"""

FANOUT_BATCH = 500


def score_of(created_at: datetime) -> int:
    return int(created_at.timestamp() * 1_000_000)


def key_of(user_id: Any) -> str:
    return f"social:timeline:{user_id}"


@lru_cache(maxsize=4)
def _client_for(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, decode_responses=True)


def client() -> redis.Redis | None:
    url = settings.REDIS_URL
    return _client_for(url) if url else None


def enabled() -> bool:
    return client() is not None


def exists(user_id: Any) -> bool:
    redis_client = client()
    return bool(redis_client and redis_client.exists(key_of(user_id)))


def ttl_seconds() -> int:
    return int(settings.SOCIAL_TIMELINE_TTL_DAYS * 86400)


def store(user_id: Any, entries: Sequence[tuple[Any, int]]) -> None:
    """Replaces the timeline with ``entries`` (moment id, score). An empty feed is kept as a
    timeline holding a placeholder, so that it exists and receives fan-out."""
    redis_client = client()
    if redis_client is None:
        return
    key = key_of(user_id)
    pipe = redis_client.pipeline()
    pipe.delete(key)
    mapping: dict[str, int] = {str(moment_id): score for moment_id, score in entries}
    mapping["_"] = 0  # placeholder below every real score, never returned by reads
    pipe.zadd(key, mapping)
    pipe.zremrangebyrank(key, 1, -settings.SOCIAL_TIMELINE_MAX - 1)
    pipe.expire(key, ttl_seconds())
    pipe.execute()


def add(user_ids: Iterable[Any], entries: Sequence[tuple[Any, int]]) -> None:
    """Adds ``entries`` to the timelines of ``user_ids`` that exist (in batches)."""
    redis_client = client()
    if redis_client is None or not entries:
        return
    script = redis_client.register_script(_ADD_IF_EXISTS)
    argv: list[Any] = [settings.SOCIAL_TIMELINE_MAX]
    for moment_id, score in entries:
        argv += [score, str(moment_id)]
    batch: list[str] = []
    for user_id in user_ids:
        batch.append(key_of(user_id))
        if len(batch) >= FANOUT_BATCH:
            script(keys=batch, args=argv)
            batch = []
    if batch:
        script(keys=batch, args=argv)


def remove(user_ids: Iterable[Any], moment_ids: Sequence[Any]) -> None:
    redis_client = client()
    if redis_client is None or not moment_ids:
        return
    members = [str(moment_id) for moment_id in moment_ids]
    pipe = redis_client.pipeline(transaction=False)
    for count, user_id in enumerate(user_ids, start=1):
        pipe.zrem(key_of(user_id), *members)
        if count % FANOUT_BATCH == 0:
            pipe.execute()
    pipe.execute()


def page(user_id: Any, *, before: int | None, count: int) -> list[tuple[int, int]]:
    """Up to ``count`` (moment id, score), newest first, with a score below ``before``.
    Reading keeps the timeline alive for another TTL."""
    redis_client = client()
    if redis_client is None:
        return []
    key = key_of(user_id)
    high = f"({before}" if before is not None else "+inf"
    pipe = redis_client.pipeline()
    pipe.zrevrangebyscore(key, high, "(0", start=0, num=count, withscores=True)
    pipe.expire(key, ttl_seconds())
    rows, _ = pipe.execute()
    return [(int(member), int(score)) for member, score in rows]


def ids(user_id: Any) -> list[int]:
    """Every moment id in the timeline, newest first (for tests and the admin)."""
    redis_client = client()
    if redis_client is None:
        return []
    return [int(str(m)) for m in redis_client.zrevrangebyscore(key_of(user_id), "+inf", "(0")]


def drop(user_id: Any) -> None:
    redis_client = client()
    if redis_client is not None:
        redis_client.delete(key_of(user_id))
