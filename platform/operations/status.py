"""The system status page's reads: each part of the platform checked with a short timeout, so
the page answers even when something is down (that is when it is needed)."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings

from core import selectors as core_selectors

from . import configuration


# Queues the workers consume (settings CELERY_TASK_ROUTES plus the default queue).
def queue_names() -> list[str]:
    names = {settings.CELERY_TASK_DEFAULT_QUEUE}
    names.update(route["queue"] for route in settings.CELERY_TASK_ROUTES.values())
    return sorted(names)


@dataclass
class Part:
    name: str
    ok: bool
    summary: str
    latency_ms: float | None = None
    rows: list[tuple[str, str]] = field(default_factory=list)


def _core_checks() -> list[Part]:
    labels = {"database": "Database", "cache": "Redis cache", "channel_layer": "Channel layer"}
    found = core_selectors.readiness(include_ml=False)
    return [
        Part(labels.get(name, name), check.ok, "OK" if check.ok else check.error, check.latency_ms)
        for name, check in found.items()
    ]


def queue_lengths() -> dict[str, int] | None:
    """Messages waiting per queue, read from the Redis broker (None when the broker is not
    Redis: the embedded default runs tasks in-process, with no queue)."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    import redis

    client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
    try:
        pipe = client.pipeline()
        for name in queue_names():
            pipe.llen(name)
        return dict(zip(queue_names(), (int(n) for n in pipe.execute()), strict=True))
    finally:
        client.close()


def _celery() -> Part:
    started = time.perf_counter()
    try:
        lengths = queue_lengths()
    except Exception as exc:
        return Part("Celery queues", False, type(exc).__name__)
    latency = round((time.perf_counter() - started) * 1000, 1)
    if lengths is None:
        return Part("Celery queues", True, "Tasks run in the web process (no broker)", latency)
    waiting = sum(lengths.values())
    return Part(
        "Celery queues",
        True,
        f"{waiting} task(s) waiting",
        latency,
        [(name, str(count)) for name, count in lengths.items()],
    )


def ml_ready() -> dict[str, Any]:
    """The ML service's own readiness: which engines it has loaded (it never loads one to
    answer this)."""
    url, key = configuration.ml_endpoint()
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    response = httpx.get(f"{url.rstrip('/')}/ready", headers=headers, timeout=3.0)
    body: dict[str, Any] = response.json()
    return body


def _ml() -> Part:
    started = time.perf_counter()
    try:
        body = ml_ready()
    except Exception as exc:
        return Part("ML service", False, type(exc).__name__)
    latency = round((time.perf_counter() - started) * 1000, 1)
    loaded = body.get("loaded", {})
    rows = [
        (f"check: {name}", "OK" if ok else "missing") for name, ok in body.get("checks", {}).items()
    ]
    rows += [
        (f"loaded {kind}", ", ".join(map(str, names)) or "none yet (loaded on first use)")
        for kind, names in loaded.items()
    ]
    rows.append(("LLM configured", "yes" if body.get("llm_configured") else "no"))
    return Part("ML service", body.get("status") == "ready", str(body.get("status")), latency, rows)


def _disk() -> Part:
    if "FileSystemStorage" not in settings.STORAGES["default"]["BACKEND"]:
        return Part(
            "Media storage",
            True,
            "Remote storage (" + settings.STORAGES["default"]["BACKEND"] + ")",
        )
    try:
        usage = shutil.disk_usage(settings.MEDIA_ROOT)
    except OSError as exc:
        return Part("Media storage", False, type(exc).__name__)
    free_share = usage.free / usage.total if usage.total else 0
    gib = 1024**3
    return Part(
        "Media storage",
        free_share > 0.05,
        f"{usage.free / gib:.1f} GiB free of {usage.total / gib:.1f} GiB ({free_share:.0%})",
        rows=[("path", str(settings.MEDIA_ROOT))],
    )


def system_status() -> list[Part]:
    return [*_core_checks(), _celery(), _ml(), _disk()]
