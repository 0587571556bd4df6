"""HTTP requests under ASGI reuse a fixed set of threads and their database connections
(core.asgi_threads), instead of a new thread, and so a new connection, per request."""

from __future__ import annotations

import asyncio
import gc
import json
import threading
import time

import pytest
from asgiref.testing import ApplicationCommunicator
from django.db import connection, connections
from django.http import JsonResponse
from django.urls import path

from core.asgi_threads import ThreadPoolASGIHandler, get_asgi_application

active: dict[int, int] = {}
overlaps: list[int] = []
lock = threading.Lock()


def where(request: object) -> JsonResponse:
    """Which thread served this, on which database connection; notes two requests at once
    on one thread."""
    me = threading.get_ident()
    with lock:
        active[me] = active.get(me, 0) + 1
        if active[me] > 1:
            overlaps.append(me)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        time.sleep(0.02)  # long enough for concurrent requests to overlap
    finally:
        with lock:
            active[me] -= 1
    return JsonResponse({"thread": me, "backend": backend})


urlpatterns = [path("where/", where)]


async def get(app: object, url: str = "/where/") -> dict[str, int]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": url,
        "raw_path": url.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    communicator = ApplicationCommunicator(app, scope)
    await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await communicator.receive_output(10)
    assert start["status"] == 200, start
    body = b""
    while True:
        message = await communicator.receive_output(10)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await communicator.wait(10)
    return json.loads(body)


@pytest.fixture
def keep_connections(settings, transactional_db, monkeypatch):  # type: ignore[no-untyped-def]
    """This module's URLs and persistent connections, as production configures them."""
    settings.ROOT_URLCONF = __name__
    settings.ALLOWED_HOSTS = ["testserver"]
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 60)
    overlaps.clear()
    yield


async def test_one_request_after_another_reuses_the_thread_and_its_connection(
    keep_connections: None,
) -> None:
    app = ThreadPoolASGIHandler(threads=4)
    answers = [await get(app) for _ in range(5)]
    app.close()
    assert {a["thread"] for a in answers} == {answers[0]["thread"]}
    assert {a["backend"] for a in answers} == {answers[0]["backend"]}


async def test_djangos_own_handler_opens_a_connection_per_request(
    keep_connections: None,
) -> None:
    """What the pool replaces: a new thread, hence a new PostgreSQL backend, per request."""
    app = get_asgi_application(threads=0)
    assert not isinstance(app, ThreadPoolASGIHandler)
    answers = [await get(app) for _ in range(3)]
    gc.collect()  # the dead threads' connections close when collected
    assert len({a["backend"] for a in answers}) == 3


async def test_concurrent_requests_share_the_pool_one_request_per_thread_at_a_time(
    keep_connections: None,
) -> None:
    app = ThreadPoolASGIHandler(threads=2)
    answers = await asyncio.gather(*[get(app) for _ in range(8)])
    app.close()
    assert len(answers) == 8
    assert len({a["thread"] for a in answers}) <= 2
    assert len({a["backend"] for a in answers}) <= 2
    assert overlaps == []


def test_a_pool_needs_a_thread() -> None:
    with pytest.raises(ValueError):
        ThreadPoolASGIHandler(threads=0)
