"""Fixtures shared by the whole suite.

The PostgreSQL and Redis servers themselves are started by the core.testing.services plugin
(pyproject addopts) before Django reads its settings.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from core.testing.queries import assert_num_queries as _assert_num_queries


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # The cache is a real Redis shared by the session: throttling counters and cached values
    # must not leak from one test into the next.
    cache.clear()
    yield


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user_factory(db: None) -> Callable[..., Any]:
    from django.contrib.auth import get_user_model

    counter = iter(range(1, 100_000))

    def make(
        email: str | None = None, password: str = "correct-horse-battery", **fields: Any
    ) -> Any:
        number = next(counter)
        fields.setdefault("first_name", f"Test{number}")
        fields.setdefault("last_name", "User")
        return get_user_model().objects.create_user(
            email=email or f"user{number}@example.com", password=password, **fields
        )

    return make


@pytest.fixture
def admin(user_factory: Callable[..., Any]) -> Any:
    return user_factory(
        email="admin@example.com",
        first_name="Ada",
        last_name="Admin",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def assert_num_queries() -> Callable[..., Any]:
    return _assert_num_queries


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Any]:
    """A real Celery worker (thread, solo pool) consuming from the session's Redis.

    Tasks see committed data only, hence the transactional database.
    """
    from celery.contrib.testing.worker import start_worker

    from toto.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


@pytest.fixture(scope="session")
def ml_service_url() -> Iterator[str]:
    """The real ML service (ml.main:app) served by uvicorn on a loopback port for the session."""
    import threading
    import time

    import httpx
    import uvicorn

    from core.testing.services import free_port
    from ml.main import app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="ml-service", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        raise RuntimeError("the ML service did not start")
    yield url
    server.should_exit = True
    thread.join(timeout=10)
