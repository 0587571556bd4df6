from collections.abc import Iterator
from typing import Any

import pytest

from realtime.testing import role_groups_after_flush as _role_groups  # noqa: F401


@pytest.fixture
def email_worker(transactional_db: None) -> Iterator[Any]:
    """A real Celery worker that also consumes the ``email`` queue (CELERY_TASK_ROUTES
    sends ``*.send_*email*`` tasks there)."""
    from celery.contrib.testing.worker import start_worker

    from toto.celery import app

    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=["default", "email"]
    ) as worker:
        yield worker
