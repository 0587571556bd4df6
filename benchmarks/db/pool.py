"""Persistent connections (one per request thread, CONN_MAX_AGE) against Django 5.2's psycopg
pool, in the production shape, alternating in one run.

The API benchmark's set-up (benchmarks/api/bench.py: throwaway PostgreSQL and Redis, the demo
data, one daphne with WEB_THREADS=32, a closed-loop load generator, the app's JWT); for each
variant a fresh daphne, the same endpoints at 10 and 50 clients, and the PostgreSQL backends
the server holds open (pg_stat_activity) once the load stops. Three rounds, variants in
turn, so that the shared machine's drift falls on all of them.

    .venv/bin/python benchmarks/db/pool.py [--seconds 2] [--rounds 3]

Writes benchmarks/db/results-pool.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]

from benchmarks.api.bench import HOST, endpoints, fixtures, measure, sign_in  # noqa: E402
from benchmarks.common import load_demo_data, prepare, start_daphne  # noqa: E402
from benchmarks.loadgen import run_cell  # noqa: E402

VARIANTS = [
    ("persistent (CONN_MAX_AGE=60, a connection per thread)", {"DATABASE_POOL": "off"}),
    ("pool, max 16", {"DATABASE_POOL": "on", "DATABASE_POOL_MAX_SIZE": "16"}),
    ("pool, max 4", {"DATABASE_POOL": "on", "DATABASE_POOL_MAX_SIZE": "4"}),
]
NAMES = (
    "baseline: bare view, one indexed query",
    "users/me (signed-in account)",
    "teachers directory",
    "notifications",
    "phrasebook add (write)",
)


def backends(port: int) -> int:
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True
    ) as db:
        row = db.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'toto'"
            " AND backend_type = 'client backend'"
        ).fetchone()
    return int(row[0]) if row else -1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--clients", default="10,50")
    args = parser.parse_args()
    concurrency = [int(c) for c in args.clients.split(",")]
    root = Path(tempfile.mkdtemp(prefix="toto-bench-pool-"))
    os.environ["TOTO_BENCH_MEDIA_ROOT"] = str(root / "media")
    postgres, redis = prepare(root, "benchmarks.db.settings")
    results: dict[tuple[str, str, int], list[tuple[float, float, float, float]]] = {}
    held: dict[str, list[int]] = {}
    server = None
    try:
        load_demo_data()
        ids = fixtures()
        for round_ in range(args.rounds):
            for label, variables in VARIANTS:
                env = {**os.environ, "WEB_THREADS": "32", **variables}
                server, port = start_daphne(root / "daphne.log", env=env, timeout=120)
                token = sign_in(port, ids["email"])
                listed = [(n, r) for n, r in endpoints(ids, token) if n in NAMES]
                for name, requests in listed:
                    asyncio.run(run_cell(HOST, port, requests, 1, 0.0, warmup=1.0))
                    for clients in concurrency:
                        cell, cpu_ms = asyncio.run(
                            measure(port, server.pid, requests, clients, args.seconds)
                        )
                        results.setdefault((label, name, clients), []).append(
                            (cell.rate, cell.p(0.5), cell.p(0.99), cpu_ms)
                        )
                        print(
                            f"[{round_}] {label[:12]:12s} {name[:30]:30s} c={clients:3d}"
                            f" {cell.rate:7.1f}/s p50 {cell.p(0.5):6.1f} p99 {cell.p(0.99):6.1f}"
                            f" cpu {cpu_ms:5.2f} errors {cell.errors}",
                            flush=True,
                        )
                time.sleep(0.5)
                held.setdefault(label, []).append(backends(postgres.port))
                server.terminate()
                server.wait(timeout=20)
                server = None
        write_results(results, held, args.seconds, args.rounds)
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            server.wait(timeout=20)
        redis.stop()
        postgres.stop()


def write_results(
    results: dict[tuple[str, str, int], list[tuple[float, float, float, float]]],
    held: dict[str, list[int]],
    seconds: float,
    rounds: int,
) -> None:
    persistent = VARIANTS[0][0]
    lines = [
        "# Database connections: persistent per thread against Django's psycopg pool",
        "",
        f"Machine: {os.cpu_count()} CPU cores shared with other sessions (load average"
        f" {os.getloadavg()[0]:.1f} at the end), Python {platform.python_version()}. One"
        " daphne (WEB_THREADS=32) with the API benchmark's production-like settings and the"
        f" demo data; {seconds:g} s per cell, {rounds} rounds with the variants in turn; the"
        " median of the rounds. The ratio compares requests/s with the persistent connections"
        " on the same endpoint and clients.",
        "",
        "| endpoint | clients | connections | requests/s | x persistent | p50 (ms)"
        " | p99 (ms) | server CPU per request (ms) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name in NAMES:
        for clients in sorted({c for (_l, n, c) in results if n == name}):
            base = statistics.median(r[0] for r in results.get((persistent, name, clients), []))
            for label, _variables in VARIANTS:
                cells = results.get((label, name, clients), [])
                if not cells:
                    continue
                rate = statistics.median(c[0] for c in cells)
                lines.append(
                    f"| {name} | {clients} | {label} | {rate:.0f} | {rate / base:.2f}x"
                    f" | {statistics.median(c[1] for c in cells):.1f}"
                    f" | {statistics.median(c[2] for c in cells):.1f}"
                    f" | {statistics.median(c[3] for c in cells):.2f} |"
                )
    lines += [
        "",
        "PostgreSQL backends the server still held once the load stopped (per round):",
        "",
        "| connections | backends held open |",
        "|---|---|",
    ]
    for label, counts in held.items():
        lines.append(f"| {label} | {', '.join(str(c) for c in counts)} |")
    lines += ["", "Run: `.venv/bin/python benchmarks/db/pool.py` (about 5 minutes).", ""]
    (Path(__file__).parent / "results-pool.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
