"""Toto's ASGI application with stage timers on the chat send path (``bench.py --profile``).

Wraps, without changing them, the functions a chat message passes through and writes one
line per mark to the file named by ``TOTO_BENCH_TIMING`` (``client_id stage t``, ``t`` from
``time.perf_counter()``, which on Linux is CLOCK_MONOTONIC and so comparable with the
benchmark client's clock). ``bench.py`` turns the marks into the per-stage breakdown.
Only the benchmark serves this module; production never imports it.
"""

# ruff: noqa: I001
from __future__ import annotations

import os
import threading
import time
from functools import wraps
from typing import Any

from toto.asgi import application  # noqa: F401  (sets Django up)

from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from django.db import connection

from messaging import crypto, services
from realtime.consumers import chat

_fd = os.open(os.environ["TOTO_BENCH_TIMING"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
_current = threading.local()


def mark(client_id: str, stage: str, value: float | None = None) -> None:
    value = time.perf_counter() if value is None else value
    os.write(_fd, f"{client_id} {stage} {value:.6f}\n".encode())


def _client_id() -> str:
    return getattr(_current, "client_id", "?")


def _timed(stage: str, func: Any) -> Any:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        mark(_client_id(), f"{stage}.start", started)
        try:
            return func(*args, **kwargs)
        finally:
            mark(_client_id(), f"{stage}.duration", time.perf_counter() - started)

    return wrapper


_send_message = services.send_message


def send_message(*args: Any, **kwargs: Any) -> Any:
    client_id = str(kwargs.get("client_id"))
    _current.client_id = client_id
    mark(client_id, "thread.start")
    sql = {"count": 0, "time": 0.0}

    def count(execute: Any, query: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            sql["count"] += 1
            sql["time"] += time.perf_counter() - started

    try:
        with connection.execute_wrapper(count):
            return _send_message(*args, **kwargs)
    finally:
        mark(client_id, "thread.end")
        mark(client_id, "sql.count", sql["count"])
        mark(client_id, "sql.duration", sql["time"])
        _current.client_id = "?"


services.send_message = send_message
services._require_verified = _timed("verified", services._require_verified)
crypto.encrypt = _timed("encrypt", crypto.encrypt)
crypto.search_tokens = _timed("tokens", crypto.search_tokens)
services.send_to_users = _timed("fanout", services.send_to_users)
for _name in ("_enqueue_offline_notifications", "enqueue_offline_notifications"):
    if hasattr(services, _name):  # the name before / after this branch
        setattr(services, _name, _timed("enqueue", getattr(services, _name)))
if hasattr(services, "_fan_out_now"):
    services._fan_out_now = _timed("fanout", services._fan_out_now)

_on_send = chat.ChatConsumer.on_send


async def on_send(self: Any, content: dict[str, Any]) -> None:
    client_id = str(content.get("client_id"))
    mark(client_id, "consumer.frame")
    await _on_send(self, content)
    mark(client_id, "consumer.acked")


chat.ChatConsumer.on_send = on_send  # type: ignore[method-assign]

# The channel layer, per group send and per event popped from Redis, so that the time from
# the fan-out to the recipient's consumer splits into: the group sends before the
# recipient's, the recipient's group send, the wait in Redis until this process's reader
# pops it (channels-redis reads one event at a time, four round trips each), and the wait
# from the pop to the recipient's consumer running.
_group_sends: dict[tuple[str, str], tuple[float, float]] = {}
_pops: dict[tuple[str, str], float] = {}


def _event_client_id(message: dict[str, Any]) -> str | None:
    event = message.get("event") if isinstance(message, dict) else None
    if not isinstance(event, dict) or event.get("type") != "message.new":
        return None
    return str((event.get("message") or {}).get("client_id"))


# The layer class the settings name (a subclass may have its own group_send).
_layer_class = type(get_channel_layer())
if not issubclass(_layer_class, RedisChannelLayer):
    _layer_class = RedisChannelLayer
_group_send = _layer_class.group_send


async def group_send(self: Any, group: str, message: dict[str, Any]) -> None:
    started = time.perf_counter()
    try:
        return await _group_send(self, group, message)
    finally:
        client_id = _event_client_id(message)
        if client_id is not None:
            _group_sends[(group, client_id)] = (started, time.perf_counter())


_layer_class.group_send = group_send

_receive_single = _layer_class.receive_single


async def receive_single(self: Any, channel: str) -> Any:
    result = await _receive_single(self, channel)
    client_id = _event_client_id(result[1])
    if client_id is not None:
        now = time.perf_counter()
        for name in result[0] if isinstance(result[0], list) else [result[0]]:
            _pops[(name, client_id)] = now
    return result


_layer_class.receive_single = receive_single

_stream_event = chat.ChatConsumer.stream_event


async def stream_event(self: Any, message: dict[str, Any]) -> None:
    event = message.get("event") or {}
    payload = event.get("message") or {}
    mine = payload.get("sender") == str(self.user.pk)
    if event.get("type") == "message.new" and not mine:
        client_id = str(payload.get("client_id"))
        sent = _group_sends.pop((f"chat.{self.user.pk.hex}", client_id), None)
        if sent is not None:
            mark(client_id, "recipient.group_send.start", sent[0])
            mark(client_id, "recipient.group_send.end", sent[1])
        popped = _pops.pop((self.channel_name, client_id), None)
        if popped is not None:
            mark(client_id, "recipient.popped", popped)
        mark(client_id, "recipient.event")
    await _stream_event(self, message)
    if event.get("type") == "message.new" and not mine:
        mark(str(payload.get("client_id")), "recipient.sent")


chat.ChatConsumer.stream_event = stream_event  # type: ignore[method-assign]

_asend_to_users = chat.asend_to_users


async def asend_to_users(stream: str, user_ids: Any, event: dict[str, Any]) -> int:
    """The chat consumer's own fan-out (after ``defer_fan_out``), timed like the hook's."""
    client_id = str((event.get("message") or {}).get("client_id"))
    started = time.perf_counter()
    mark(client_id, "fanout.start", started)
    try:
        return await _asend_to_users(stream, user_ids, event)
    finally:
        mark(client_id, "fanout.duration", time.perf_counter() - started)


chat.asend_to_users = asend_to_users
