"""A Django process starts without paying for heavy libraries it may never use.

Every process (migrate, runserver, a worker, each management command of ``make run``) loads
the URLconf and every app's views; these libraries cost ~2 s of a start together and are
loaded on first use instead (``core.lazy``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from core.lazy import lazy_module

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("openai", "wordfreq", "fpdf")

PROBE = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # every app's views, as the first request loads them
from django.core.checks import run_checks
run_checks()
loaded = {}
for name in %r:
    module = sys.modules.get(name)
    loaded[name] = module is not None and type(module).__name__ != "_LazyModule"
print(json.dumps(loaded))
"""


def test_views_and_checks_do_not_load_the_heavy_libraries() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE % (HEAVY,)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**_env(), "DJANGO_SETTINGS_MODULE": "toto.settings.dev"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == dict.fromkeys(HEAVY, False), loaded


def test_a_lazy_module_runs_on_first_use(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "toto_lazy_probe.py").write_text("RAN = []\nRAN.append(1)\nVALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "toto_lazy_probe", raising=False)
    module = lazy_module("toto_lazy_probe")
    assert type(module).__name__ == "_LazyModule"
    assert module.VALUE == 42 and module.RAN == [1]
    assert lazy_module("toto_lazy_probe") is module


def _env() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}


CONCURRENT_DISPATCH = """
import threading
import django
django.setup()
from core import dispatch
barrier = threading.Barrier(20)
errors = []
def first_dispatch():
    barrier.wait()
    try:
        dispatch.task("accounts.send_email_message")
    except Exception as error:
        errors.append(repr(error))
threads = [threading.Thread(target=first_dispatch) for _ in range(20)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(len(errors), errors[:1])
"""


def test_the_first_dispatches_of_a_fresh_process_all_find_their_task() -> None:
    """A web process imports the tasks modules on the first dispatch (core.dispatch). When
    20 requests dispatched at once, a thread that found its task missing ran a second
    discovery beside the first, returned before the module was imported and reported a
    registered task as unknown: a sign-up answered 500 (seen 5 to 19 times in 20 before the
    lock; test_embedded_server's concurrent writers caught it on a busy machine)."""
    result = subprocess.run(
        [sys.executable, "-c", CONCURRENT_DISPATCH],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**_env(), "DJANGO_SETTINGS_MODULE": "toto.settings.dev"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "0 []"
