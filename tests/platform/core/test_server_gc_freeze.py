"""A served process freezes what its imports left alive out of the collector's full passes
before it takes traffic (core.server.freeze_gc_heap, called by toto.asgi)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


FREEZE_ONCE = """
import gc, json, django
django.setup()
from core.server import freeze_gc_heap
before = gc.get_freeze_count()
frozen = freeze_gc_heap()
after_freeze = gc.get_freeze_count()
later = [[] for _ in range(1000)]
print(json.dumps([before, frozen, after_freeze, gc.get_freeze_count()], separators=(",", ":")))
"""


def _run(code: str, **env_changes: str | None) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "toto.settings.dev"}
    env["PYTHONPATH"] = f"{ROOT / 'platform'}:{ROOT}"
    for name, value in env_changes.items():
        env.pop(name, None)
        if value is not None:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()[-1]


def test_freezing_moves_what_is_alive_and_nothing_created_later() -> None:
    """In a process of its own: the test process runs threads (servers, Redis readers) that
    free frozen objects at any moment, which changes the count under the assertion."""
    before, frozen, after_freeze, after_more = json.loads(_run(FREEZE_ONCE, SERVER_GC_FREEZE=None))
    assert before == 0
    assert frozen == after_freeze > 10_000  # Django, Wagtail and the apps
    assert after_more == frozen


@pytest.mark.parametrize(("switch", "frozen"), [(None, True), ("off", False)])
def test_importing_the_asgi_application_freezes_the_heap_unless_switched_off(
    switch: str | None, frozen: bool
) -> None:
    """As daphne loads ``toto.asgi:application`` with the development settings (``make run``);
    the test settings turn it off, since this test process imports toto.asgi itself."""
    code = "import gc, toto.asgi; print(gc.get_freeze_count())"
    count = _run(code, SERVER_GC_FREEZE=switch)
    assert (int(count) > 10_000) is frozen
