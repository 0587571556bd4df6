"""A served process freezes what its imports left alive out of the collector's full passes
before it takes traffic (core.server.freeze_gc_heap)."""

import gc

from core.server import freeze_gc_heap


def test_the_heap_is_frozen_and_later_objects_are_not() -> None:
    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        frozen = freeze_gc_heap()
        assert frozen == gc.get_freeze_count() > 10_000  # Django, Wagtail and the apps
        later = [[] for _ in range(1000)]
        assert gc.get_freeze_count() == frozen
        assert all(gc.is_tracked(item) for item in later)
    finally:
        gc.unfreeze()


def test_served_processes_freeze_and_the_test_process_does_not() -> None:
    from django.conf import settings

    from toto.settings import base

    assert base.SERVER_GC_FREEZE is True
    assert settings.SERVER_GC_FREEZE is False
