"""The reliability harness's own fixtures: a test database that keeps what it acknowledged
across a crash, and the recovery times the tests measure (printed at the end of the run,
the numbers in docs/reliability.md)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection

from tutoring.testing import make_gig, make_listing  # noqa: F401 - fixtures

_RECOVERIES: list[tuple[str, float]] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The session's PostgreSQL runs with ``synchronous_commit=off`` for speed: a commit is
    acknowledged before its WAL reaches the kernel, so a crash (``pg_ctl stop -m immediate``)
    loses the last few hundred milliseconds of *committed* transactions. Production keeps the
    default (on). Measured here: the payment created just before the crash, and the session
    row of a learner signed in just before it (the 401 after recovery), were gone after the
    restart. The crash tests' database commits as production does."""
    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = on')
        connection.close()


@pytest.fixture
def recovered() -> Callable[[str, float], float]:
    """recovered(what, since): records how long after ``since`` (a time.monotonic()) the
    first request succeeded again."""

    def record(what: str, since: float) -> float:
        seconds = time.monotonic() - since
        _RECOVERIES.append((what, seconds))
        return seconds

    return record


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _RECOVERIES:
        return
    terminalreporter.section("recovery times (restart started -> first request served)")
    for what, seconds in _RECOVERIES:
        terminalreporter.write_line(f"{what}: {seconds:.2f} s")


@pytest.fixture(autouse=True)
def _servers_up_afterwards() -> Iterator[None]:
    """Whatever a test did, the next one finds PostgreSQL and Redis running."""
    yield
    from django.db import close_old_connections

    from core.testing import services

    if services.services is not None:
        if services.services.postgres is not None:
            services.services.postgres.launch()
        if services.services.redis is not None and services.services.redis.process is None:
            services.services.redis.launch()
    close_old_connections()
