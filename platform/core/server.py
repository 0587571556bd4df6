"""Daphne (Twisted) details that change what a client sees."""

import sys
import threading
from typing import Any

_BODY = b'{"code": "uri_too_long", "message": "The address is too long."}'
URI_TOO_LONG = (
    b"HTTP/1.1 414 URI Too Long\r\nContent-Type: application/json\r\nConnection: close\r\n"
    b"Content-Length: " + str(len(_BODY)).encode() + b"\r\n\r\n" + _BODY
)


def answer_overlong_request_lines() -> None:
    """Twisted drops the connection without a word when the request line passes 16 kB
    (its LineReceiver.MAX_LENGTH); answer 414 in the API's error shape first, so a client
    learns why. Only under daphne: other servers never import Twisted's HTTP module."""
    http = sys.modules.get("twisted.web.http")
    if http is None:
        return

    def line_length_exceeded(self: Any, line: bytes) -> None:
        self.transport.write(URI_TOO_LONG)
        self.transport.loseConnection()

    http.HTTPChannel.lineLengthExceeded = line_length_exceeded


def warm_up_then_freeze_gc(delay: float = 10.0) -> threading.Thread:
    """In the background, imports what a serving process imports lazily on its first requests
    (every URLconf and its views, every app's Celery tasks), then moves everything alive into
    the collector's permanent generation (``gc.freeze()``).

    Why: a full (generation 2) collection walks every tracked object, and a process holds
    several hundred thousand from its imports alone. With 1,000 open sockets a daphne process
    paused its event loop for 170-360 ms at each full collection (five to seven in a 30 s
    benchmark): the chat's p99 at 100 msg/s was 806 ms against a p50 of 7.6 ms
    (benchmarks/realtime). Frozen, those ~375,000 objects are never walked again (modules,
    classes and functions that live as long as the process anyway): full passes then took
    19-195 ms, growing with the sockets' own objects, and the p99 was 417-697 ms in 3 runs.

    It starts ``delay`` seconds after the server, not at once: importing beside the start-up
    took `make run`'s second start from 3 s to 5.3 s (the first requests import what they
    need themselves, as before)."""

    def run() -> None:
        import gc
        import logging

        try:
            from django.urls import get_resolver

            _load_patterns(get_resolver())
            from core import dispatch

            dispatch.import_all_tasks()
        except Exception:
            logging.getLogger(__name__).exception("Warming up the server process failed")
        gc.collect()
        gc.freeze()

    thread = threading.Timer(delay, run)
    thread.name = "warm-up"
    thread.daemon = True
    thread.start()
    return thread


def _load_patterns(resolver: Any) -> None:
    for pattern in resolver.url_patterns:  # importing each included URLconf and its views
        if hasattr(pattern, "url_patterns"):
            _load_patterns(pattern)
