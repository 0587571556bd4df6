"""Django's ASGI handler, with its synchronous work on a fixed set of long-lived threads.

Django's own handler gives every HTTP request a new thread (``ThreadSensitiveContext()``: a
one-thread executor created for the request and joined after it). Django's database
connections belong to a thread, so under it every request opened a new connection and threw
it away, whatever ``CONN_MAX_AGE`` said: a PostgreSQL backend forked per request in
production, a new SQLite connection (which parses the whole schema on its first statement)
per request in the embedded default. Measured in benchmarks/api/results.md.

Here each request borrows one of ``WEB_THREADS`` one-thread executors for its whole life and
gives it back, as a threaded WSGI server does: the thread, and with it the database
connection that ``CONN_MAX_AGE`` keeps, serve request after request. Django's guarantees
stay: all synchronous code of one request (middleware, view, signals) runs on one thread, and
a thread serves one request at a time. Requests beyond the pool wait for a free thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext
from django.core.handlers.asgi import ASGIHandler

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Mapping[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]


class ThreadPoolASGIHandler(ASGIHandler):
    """``ASGIHandler`` whose requests reuse ``threads`` long-lived threads (see module)."""

    def __init__(self, threads: int) -> None:
        super().__init__()
        if threads < 1:
            raise ValueError("A thread pool needs at least one thread")
        self.threads = threads
        # Made lazily: a queue belongs to the event loop that first uses it.
        self._idle: asyncio.LifoQueue[ThreadPoolExecutor] | None = None

    def _pool(self) -> asyncio.LifoQueue[ThreadPoolExecutor]:
        if self._idle is None:
            # Last in, first out: the busiest threads keep serving and their connections stay
            # warm; threads only a burst needed rarely run.
            self._idle = asyncio.LifoQueue()
            for n in range(self.threads):
                self._idle.put_nowait(
                    ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"django-{n}")
                )
        return self._idle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        pool = self._pool()
        executor = await pool.get()
        try:
            async with ThreadSensitiveContext(executor=executor):
                await self.handle(scope, receive, send)
        finally:
            # A view still running after its client went away keeps the thread busy; the
            # next request given this executor queues behind it (one worker), never beside.
            pool.put_nowait(executor)

    def close(self) -> None:
        """Closes every thread's database connections and ends the threads (all must be
        idle): for tests and an orderly shutdown."""
        from django.db import connections

        while self._idle is not None and not self._idle.empty():
            executor = self._idle.get_nowait()
            executor.submit(connections.close_all).result()
            executor.shutdown()
        self._idle = None


def get_asgi_application(threads: int) -> ASGIHandler:
    """``django.core.asgi.get_asgi_application`` with the thread pool (Django set up first);
    ``threads`` 0 is Django's own handler, a thread per request (kept for benchmarks)."""
    import django

    django.setup(set_prefix=False)
    return ThreadPoolASGIHandler(threads) if threads else ASGIHandler()
