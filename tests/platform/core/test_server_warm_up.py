"""A served process imports its views and tasks in the background at start, then freezes what
is alive out of the collector's full passes (core.server.warm_up_then_freeze_gc)."""

import gc
import sys

from celery import current_app

from core.server import warm_up_then_freeze_gc


def test_the_warm_up_imports_views_and_tasks_then_freezes_the_heap() -> None:
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        thread = warm_up_then_freeze_gc(delay=0)
        thread.join(120)
        assert not thread.is_alive()
        # Every app's tasks are registered (the first chat send no longer imports them) ...
        assert "messaging.tasks" in sys.modules
        assert any(name.startswith("tutoring.tasks.") for name in current_app.tasks)
        # ... every URLconf's views are imported ...
        assert "social.views" in sys.modules
        # ... and what was alive then is out of reach of full collections.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()


def test_served_processes_warm_up_and_the_test_process_does_not() -> None:
    from django.conf import settings

    from toto.settings import base

    assert base.SERVER_WARM_UP is True
    assert settings.SERVER_WARM_UP is False
