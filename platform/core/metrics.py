"""Prometheus metrics for the web process, served at /metrics.

With several worker processes set PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess
mode); daphne runs one process per container, so the default registry is enough there.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

REQUEST_LATENCY = Histogram(
    "toto_http_request_duration_seconds",
    "Time spent serving HTTP requests, by route and method.",
    ["method", "route"],
)
REQUESTS = Counter(
    "toto_http_requests_total",
    "HTTP requests served, by route, method and status class.",
    ["method", "route", "status"],
)
ERRORS = Counter("toto_http_errors_total", "HTTP responses with a 5xx status, by route.", ["route"])
QUEUE_DEPTH = Gauge(
    "toto_celery_queue_depth",
    "Messages waiting in each Celery queue (sampled on scrape).",
    ["queue"],
)


def _route_of(request: HttpRequest) -> str:
    # The URL pattern, not the path: keeps label cardinality bounded.
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return match.route or match.view_name or "unknown"


class PrometheusMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        route = _route_of(request)
        REQUEST_LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        REQUESTS.labels(request.method, route, f"{response.status_code // 100}xx").inc()
        if response.status_code >= 500:
            ERRORS.labels(route).inc()
        return response


def sample_queue_depths() -> None:
    """Reads the Redis list lengths of the Celery queues (no-op without a Redis broker)."""
    broker = settings.CELERY_BROKER_URL
    if not broker.startswith("redis"):
        return
    import redis

    client = redis.Redis.from_url(broker, socket_timeout=1)
    try:
        for queue in ("default", "email", "ml"):
            QUEUE_DEPTH.labels(queue).set(client.llen(queue))
    except redis.RedisError:
        pass
    finally:
        client.close()


def metrics_view(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if token and request.headers.get("Authorization") != f"Bearer {token}":
        return HttpResponse(status=401)
    sample_queue_depths()
    return HttpResponse(generate_latest(), content_type=CONTENT_TYPE_LATEST)
