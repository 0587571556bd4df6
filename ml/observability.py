"""Structured JSON logs, Prometheus metrics and the request middleware that feeds both."""

from __future__ import annotations

import logging
import sys
import time
import uuid

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from pythonjsonlogger.json import JsonFormatter
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ENGINE_LATENCY = Histogram(
    "ml_engine_latency_seconds",
    "Time spent inside an engine call.",
    ["engine"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
ENGINE_QUEUE_DEPTH = Gauge("ml_engine_queue_depth", "Jobs waiting for an engine slot.", ["engine"])
ENGINE_IN_FLIGHT = Gauge("ml_engine_in_flight", "Jobs running inside an engine.", ["engine"])
ENGINE_ERRORS = Counter("ml_engine_errors_total", "Engine failures by kind.", ["engine", "kind"])
REALTIME_SESSIONS = Gauge(
    "ml_realtime_sessions", "Open streaming transcription sockets (/v1/realtime/transcription)."
)
REALTIME_TURNS = Counter(
    "ml_realtime_turns_total",
    "Turns the streaming transcription ended, by outcome (completed, ignored, error) and how "
    "the transcript was made (early: started inside the silence budget; after: at the end).",
    ["outcome", "transcription"],
)
HTTP_REQUESTS = Counter(
    "ml_http_requests_total", "HTTP requests by route and status.", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "ml_http_request_duration_seconds", "HTTP request latency by route.", ["method", "route"]
)

access_logger = logging.getLogger("ml.access")


def configure_logging(level: str, json_logs: bool) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if json_logs:
        handler.setFormatter(
            JsonFormatter(
                "{asctime}{levelname}{name}{message}",
                style="{",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("ml")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def metrics_response(_: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class RequestMiddleware:
    """Pure ASGI (no body buffering, so SSE streams pass straight through): assigns a request id,
    records latency and status per route, writes one access log line per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        request_id = headers.get(b"x-request-id", b"").decode("latin-1") or uuid.uuid4().hex
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode("latin-1")),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            route_path = getattr(route, "path", "unmatched")
            method = scope["method"]
            HTTP_REQUESTS.labels(method, route_path, str(status)).inc()
            HTTP_LATENCY.labels(method, route_path).observe(elapsed)
            access_logger.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": method,
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                },
            )
