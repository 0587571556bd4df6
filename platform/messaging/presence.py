"""Presence: who is online now, and when others were last seen.

Kept in the cache (Redis in production and tests), never in process memory, so every web
server sees the same state. Per user: a connection counter (atomic INCR/DECR) and an
"online" key whose TTL each socket refreshes with its heartbeat. A server that dies without
closing its sockets leaves a counter too high, but the online key expires after
PRESENCE_TTL_SECONDS and the user shows offline; the counter's own TTL resets it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


def _key(kind: str, user_id: Any) -> str:
    return f"presence:{kind}:{getattr(user_id, 'hex', user_id)}"


def _ttl() -> int:
    return int(settings.PRESENCE_TTL_SECONDS)


def connected(user_id: Any) -> bool:
    """Counts a new socket. Returns True when the user just came online."""
    counter = _key("connections", user_id)
    cache.add(counter, 0, timeout=_ttl() * 4)
    try:
        count = cache.incr(counter)
    except ValueError:  # expired between add and incr
        cache.set(counter, 1, timeout=_ttl() * 4)
        count = 1
    was_online = cache.get(_key("online", user_id)) is not None
    heartbeat(user_id)
    return count == 1 or not was_online


def heartbeat(user_id: Any) -> None:
    cache.set(_key("online", user_id), timezone.now().isoformat(), timeout=_ttl())
    cache.touch(_key("connections", user_id), timeout=_ttl() * 4)


def disconnected(user_id: Any) -> bool:
    """Counts a closed socket. Returns True when the user's last socket just closed."""
    counter = _key("connections", user_id)
    try:
        count = cache.decr(counter)
    except ValueError:
        count = 0
    cache.set(_key("last_seen", user_id), timezone.now().isoformat(), timeout=None)
    if count <= 0:
        cache.delete_many([counter, _key("online", user_id)])
        return True
    return False


def all_online(user_ids: list[Any]) -> bool:
    """Whether every one of ``user_ids`` has a chat socket open now (one cache round trip)."""
    keys = [_key("online", user_id) for user_id in user_ids]
    return len(cache.get_many(keys)) == len(keys)


def status_of(user_ids: list[Any]) -> dict[str, dict[str, Any]]:
    """user id → {"online": bool, "last_seen": datetime | None}. Two cache round trips
    whatever the number of users. Callers filter by contacts first (see selectors)."""
    online_keys = {_key("online", user_id): str(user_id) for user_id in user_ids}
    seen_keys = {_key("last_seen", user_id): str(user_id) for user_id in user_ids}
    online = cache.get_many(list(online_keys))
    seen = cache.get_many(list(seen_keys))
    result: dict[str, dict[str, Any]] = {
        str(user_id): {"online": False, "last_seen": None} for user_id in user_ids
    }
    for key, user_id in online_keys.items():
        if key in online:
            result[user_id]["online"] = True
    for key, user_id in seen_keys.items():
        if key in seen:
            result[user_id]["last_seen"] = dt.datetime.fromisoformat(seen[key])
    return result
