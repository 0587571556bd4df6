"""Queue a Celery task by its registered name, usually once the current transaction commits.

Tasks call services; services enqueue tasks. If a service imported its app's ``tasks`` module
to call ``.delay()``, the two modules would import each other (services -> tasks ->
services), and every refactor would have to tiptoe around function-level imports. Celery's
task registry is the seam instead: a service names the task (``"tutoring.tasks.refund_booking"``
or the explicit ``name=`` given in ``@shared_task``), and the registry hands back the task
object, the same one a test patches with ``monkeypatch.setattr(tasks.x, "delay", …)``.

The worker imports every app's ``tasks`` module when it starts (autodiscovery). A web process
imports them on the first dispatch that finds its task missing. ``CELERY_TASK_ALWAYS_EAGER``
(the embedded default) keeps working, because ``.delay()`` on the registered task is what
runs.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)
# One discovery at a time: while a thread imports the tasks modules, another that finds its
# task missing must wait for it, not return from a second, concurrent discovery (which skips
# modules the first is still importing) and report a registered task as unknown (a sign-up
# answered 500 when the first requests of a fresh `make run` came together).
_discovery = threading.Lock()


class UnknownTask(LookupError):
    pass


def task(name: str) -> Any:
    """The registered task called ``name``: autodiscovery runs once if it is not there yet."""
    registry = current_app.tasks
    if name not in registry:
        with _discovery:
            if name not in registry:
                current_app.loader.import_default_modules()
    try:
        return registry[name]
    except KeyError:
        raise UnknownTask(f"No Celery task is registered as {name!r}.") from None


def enqueue(name: str, *args: Any, **kwargs: Any) -> None:
    """Queues the task now (inside a transaction, prefer ``enqueue_on_commit``)."""
    task(name).delay(*args, **kwargs)


def enqueue_on_commit(name: str, *args: Any, **kwargs: Any) -> None:
    """Queues the task once the current transaction commits (at once outside one), so a
    worker never reads rows that are not committed yet, and nothing is queued on rollback."""
    task(name)  # an unknown name fails here, in the caller's transaction, not after commit
    transaction.on_commit(lambda: enqueue(name, *args, **kwargs))
