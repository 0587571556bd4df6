"""A served process freezes what its imports left alive out of the collector's full passes
before it takes traffic (core.server.freeze_gc_heap, called by toto.asgi)."""

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def test_freezing_moves_what_is_alive_and_nothing_created_later() -> None:
    from core.server import freeze_gc_heap

    gc.unfreeze()
    try:
        assert gc.get_freeze_count() == 0
        frozen = freeze_gc_heap()
        assert frozen == gc.get_freeze_count() > 10_000  # Django, Wagtail and the apps
        later = [[] for _ in range(1000)]
        assert gc.get_freeze_count() == frozen
        del later
    finally:
        gc.unfreeze()


@pytest.mark.parametrize(("switch", "frozen"), [(None, True), ("off", False)])
def test_importing_the_asgi_application_freezes_the_heap_unless_switched_off(
    switch: str | None, frozen: bool
) -> None:
    """As daphne loads ``toto.asgi:application`` with the development settings (``make run``);
    the test settings turn it off, since this test process imports toto.asgi itself."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "toto.settings.dev"}
    env["PYTHONPATH"] = f"{ROOT / 'platform'}:{ROOT}"
    env.pop("SERVER_GC_FREEZE", None)
    if switch:
        env["SERVER_GC_FREEZE"] = switch
    count = subprocess.run(
        [sys.executable, "-c", "import gc, toto.asgi; print(gc.get_freeze_count())"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()[-1]
    assert (int(count) > 10_000) is frozen
