"""Readiness probes of the services the platform depends on."""

import time
import uuid
from dataclasses import dataclass

import httpx
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection


@dataclass(frozen=True)
class Check:
    ok: bool
    latency_ms: float
    error: str = ""


def _timed(probe) -> Check:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    try:
        probe()
    except Exception as exc:
        return Check(False, round((time.perf_counter() - started) * 1000, 1), type(exc).__name__)
    return Check(True, round((time.perf_counter() - started) * 1000, 1))


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key = f"ready:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


async def _channel_round_trip() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "ready.ping"})
    message = await layer.receive(channel)
    if message.get("type") != "ready.ping":
        raise RuntimeError("channel layer returned another message")


def _channel_layer() -> None:
    async_to_sync(_channel_round_trip)()


def _ml_service() -> None:
    headers = {"Authorization": f"Bearer {settings.ML_API_KEY}"} if settings.ML_API_KEY else {}
    response = httpx.get(f"{settings.ML_URL.rstrip('/')}/health", headers=headers, timeout=2.0)
    response.raise_for_status()


def readiness(*, include_ml: bool = True) -> dict[str, Check]:
    checks = {
        "database": _timed(_database),
        "cache": _timed(_cache),
        "channel_layer": _timed(_channel_layer),
    }
    if include_ml:
        checks["ml"] = _timed(_ml_service)
    return checks
