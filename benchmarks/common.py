"""What every benchmark script shares: a throwaway PostgreSQL and Redis migrated for Toto
(started the way the test session starts them, ``core.testing.services``), a daphne serving
Toto on a free port, and the percentile the result tables report.

Scripts run as programs (``python benchmarks/<area>/bench.py``), so each puts the project
root and ``platform/`` on ``sys.path`` before importing this module.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values`` (``fraction`` 0.5 for the median)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def load_demo_data() -> float:
    """``manage.py load_demo_data`` on the benchmark's database, quietly; returns seconds."""
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", "load_demo_data"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    seconds = time.monotonic() - started
    print(f"demo data loaded in {seconds:.0f} s", flush=True)
    return seconds


def prepare(root: Path, settings: str = "benchmarks.realtime.settings") -> tuple[Any, Any]:
    """Starts PostgreSQL and Redis under ``root``, points the benchmark settings at them,
    creates the database and migrates it. Returns both servers for the caller to stop."""
    from core.testing.services import PostgresServer, RedisServer

    postgres = PostgresServer.start(root)
    redis = RedisServer.start(root)
    os.environ["TOTO_TEST_DATABASE_PORT"] = str(postgres.port)
    os.environ["TOTO_TEST_REDIS_URL"] = redis.url
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={postgres.port} user=postgres dbname=postgres", autocommit=True
    ) as db:
        db.execute("CREATE DATABASE toto")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    return postgres, redis


def start_daphne(
    log: Path,
    *,
    env: dict[str, str] | None = None,
    timeout: float = 60,
    root: Path = ROOT,
    extra_path: Path | None = None,
) -> tuple[subprocess.Popen[bytes], int]:
    """One daphne serving Toto on a free loopback port (``env`` or this process's
    environment, with the project on ``PYTHONPATH``), its stderr written to ``log``. Returns
    the process and its port once it listens; the caller terminates it. ``root``: another
    checkout of the project to serve (a benchmark comparing two versions on one database);
    ``extra_path``: a folder put on ``PYTHONPATH`` after the project (e.g. a settings module
    written for the run)."""
    from core.testing.services import free_port, wait_for_port

    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "toto.asgi:application",
        ],
        cwd=root,
        env={
            **(os.environ if env is None else env),
            "PYTHONPATH": ":".join(
                str(path) for path in (root / "platform", root, extra_path) if path is not None
            ),
        },
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        wait_for_port(port, timeout, "daphne")
    except RuntimeError:
        process.terminate()
        process.wait(timeout=10)
        raise
    return process, port
