"""API throughput and latency in the production shape, against two baselines in the same run.

A throwaway PostgreSQL and Redis (started like the test services), migrated and loaded with
the demo data; one daphne process serving Toto as the Docker image does (benchmark settings:
production's persistent connections and legal gate, benchmarks.api.settings); a closed-loop
load generator on loopback (benchmarks.loadgen). Every request is signed in as a demo learner
with the app's JWT (the API's real client), except the anonymous baselines.

    .venv/bin/python benchmarks/api/bench.py [--seconds 2] [--clients 1,10,50]

Writes benchmarks/api/results.md. Besides requests/s and p50/p99 it reports the server's CPU
time per request (from /proc), which other work on a shared machine changes much less than
wall-clock rates.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]

from benchmarks.common import load_demo_data, prepare, start_daphne  # noqa: E402
from benchmarks.loadgen import Cell, build_request, cpu_seconds, run_cell  # noqa: E402

HOST = "127.0.0.1"


def fixtures() -> dict[str, str]:
    """Ids the endpoints need, from the demo data."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from cms.learning.models import LessonPage
    from messaging.models import Conversation
    from tutoring.models import TeacherListing

    learner = get_user_model().objects.get(email="priya@toto.localhost")
    conversation = Conversation.objects.filter(participants__user=learner).first()
    teacher = TeacherListing.objects.order_by("-rating_count").first()
    lesson = LessonPage.objects.live().order_by("pk").first()
    return {
        "email": learner.email,
        "user_id": str(learner.pk),
        "conversation": str(conversation.pk) if conversation else "",
        "teacher": str(teacher.pk) if teacher else "",
        "lesson": str(lesson.pk) if lesson else "",
    }


def sign_in(port: int, email: str) -> str:
    import httpx

    answer = httpx.post(
        f"http://{HOST}:{port}/api/auth/app/v1/auth/login",
        json={"email": email, "password": "toto-demo-2026"},
        timeout=30,
    )
    answer.raise_for_status()
    return str(answer.json()["meta"]["access_token"])


def endpoints(ids: dict[str, str], token: str) -> list[tuple[str, list[Any]]]:
    auth = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def get(path: str, headers: dict[str, str] | None = None) -> list[bytes]:
        return [build_request("GET", path, HOST, auth if headers is None else headers)]

    today = time.strftime("%Y-%m-%d")
    listed = [
        ("baseline: bare JSON view (no auth, no DB)", get("/bench/json/", {})),
        ("baseline: bare view, one indexed query", get(f"/bench/query/?id={ids['user_id']}", {})),
        ("users/me (signed-in account)", get("/api/v1/users/me/")),
        ("teachers directory", get("/api/v1/teachers/")),
        ("lesson catalogue", get("/api/v1/lessons/")),
        ("notifications", get("/api/v1/notifications/")),
        ("wallet", get("/api/v1/wallet/")),
    ]
    if ids["lesson"]:
        listed.append(("lesson detail", get(f"/api/v1/lessons/{ids['lesson']}/")))
    if ids["conversation"]:
        listed.append(
            (
                "conversation history",
                get(f"/api/v1/conversations/{ids['conversation']}/messages/"),
            )
        )
    if ids["teacher"]:
        listed.append(
            (
                "a teacher's free slots (a week)",
                get(f"/api/v1/teachers/{ids['teacher']}/slots/?from={today}"),
            )
        )

    # A write: each client adds phrasebook entries, each with texts of its own.
    def writer(client: int) -> Callable[[int], bytes]:
        def request(n: int) -> bytes:
            body = json.dumps(
                {
                    "source_language": "en",
                    "target_language": "es",
                    "source_text": f"benchmark phrase {client}-{n}-{time.monotonic_ns()}",
                    "translated_text": f"frase {client}-{n}",
                }
            ).encode()
            headers = {**auth, "Content-Type": "application/json"}
            return build_request("POST", "/api/v1/translate/phrasebook/", HOST, headers, body)

        return request

    writes = [writer(client) for client in range(64)]
    listed.append(("phrasebook add (write)", writes))
    return listed


async def measure(
    port: int, pid: int, requests: list[Any], clients: int, seconds: float
) -> tuple[Cell, float]:
    before = cpu_seconds(pid)
    cell = await run_cell(HOST, port, requests, clients, seconds, warmup=0.3)
    cpu_ms = (cpu_seconds(pid) - before) / max(cell.requests, 1) * 1000
    return cell, cpu_ms


def serve(log: Path, threads: int) -> tuple[subprocess.Popen[bytes], int]:
    return start_daphne(log, env={**os.environ, "WEB_THREADS": str(threads)}, timeout=120)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--clients", default="1,10,50")
    args = parser.parse_args()
    concurrency = [int(c) for c in args.clients.split(",")]

    root = Path(tempfile.mkdtemp(prefix="toto-bench-api-"))
    os.environ["TOTO_BENCH_MEDIA_ROOT"] = str(root / "media")
    postgres, redis = prepare(root, "benchmarks.api.settings")
    processes: list[subprocess.Popen[bytes]] = []
    try:
        load_demo_data()
        ids = fixtures()

        server, port = serve(root / "daphne.log", threads=32)
        processes.append(server)
        token = sign_in(port, ids["email"])
        listed = endpoints(ids, token)
        rows = []
        for name, requests in listed:
            # The first answers of an endpoint load its code and templates: not measured.
            asyncio.run(run_cell(HOST, port, requests, 1, 0.0, warmup=1.0))
            for clients in concurrency:
                cell, cpu_ms = asyncio.run(
                    measure(port, server.pid, requests, clients, args.seconds)
                )
                rows.append((name, clients, cell, cpu_ms))
                print(
                    f"{name:45s} c={clients:3d} {cell.rate:7.1f}/s p50 {cell.p(0.5):7.1f}"
                    f" p99 {cell.p(0.99):7.1f} cpu {cpu_ms:5.2f} ms errors {cell.errors}"
                    f" {cell.statuses}",
                    flush=True,
                )
        server.terminate()
        server.wait(timeout=20)

        # The fix measured in the same run: Django's own handler (a thread, hence a database
        # connection, per request) against the pool, alternating, two rounds.
        compare = [listed[1], listed[2], listed[3]]
        pool_rows: list[tuple[str, int, str, Cell, float]] = []
        connections: list[tuple[str, int, int]] = []
        for _round in range(2):
            for threads, label in ((0, "thread per request"), (32, "pool of 32 threads")):
                opened_before = sessions_opened(postgres.port)
                server, port = serve(root / f"daphne-{threads}.log", threads)
                processes.append(server)
                served = 0
                for name, requests in compare:
                    asyncio.run(run_cell(HOST, port, requests, 1, 0.0, warmup=1.0))
                    cell, cpu_ms = asyncio.run(measure(port, server.pid, requests, 10, 2.0))
                    pool_rows.append((name, threads, label, cell, cpu_ms))
                    served += cell.requests
                    print(f"[{label}] {name}: {cell.rate:.1f}/s cpu {cpu_ms:.2f} ms", flush=True)
                server.terminate()
                server.wait(timeout=20)
                # PostgreSQL counts a session when it ends: after the server has gone.
                time.sleep(1)
                opened = sessions_opened(postgres.port) - opened_before
                connections.append((label, served, opened))
                print(f"[{label}] {served} requests, {opened} connections opened", flush=True)
        write_results(rows, pool_rows, connections, concurrency, args.seconds)
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=20)
        redis.stop()
        postgres.stop()


def sessions_opened(port: int) -> int:
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={port} user=postgres dbname=postgres", autocommit=True
    ) as db:
        row = db.execute("SELECT sessions FROM pg_stat_database WHERE datname = 'toto'").fetchone()
    return int(row[0]) if row else -1


def write_results(
    rows: list[tuple[str, int, Cell, float]],
    pool_rows: list[tuple[str, int, str, Cell, float]],
    connections: list[tuple[str, int, int]],
    concurrency: list[int],
    seconds: float,
) -> None:
    load = os.getloadavg()[0]
    baseline = {c: cell.rate for name, c, cell, _ in rows if name.startswith("baseline: bare view")}
    lines = [
        "# API benchmark (production shape)",
        "",
        f"Machine: {os.cpu_count()} CPU cores **shared with other sessions** (load average"
        f" {load:.1f} at the end), Python {platform.python_version()}. One daphne process"
        " (as the Docker image runs it) with the benchmark settings (production's persistent"
        " database connections and legal gate), PostgreSQL and Redis on loopback, the demo"
        " data; the load generator (closed loop, keep-alive) in one asyncio process on the"
        f" same cores. {seconds:g} s per cell after a 0.3 s warm-up; signed in with the app's"
        " JWT. Wall-clock rates on a shared machine move from run to run: compare rows of one"
        " run (the ratio column) and the server CPU per request, which moves much less.",
        "",
        "| endpoint | clients | requests/s | p50 (ms) | p99 (ms) | x bare one-query view"
        " | server CPU per request (ms) | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, clients, cell, cpu_ms in rows:
        ratio = cell.rate / baseline[clients] if baseline.get(clients) else float("nan")
        lines.append(
            f"| {name} | {clients} | {cell.rate:.0f} | {cell.p(0.5):.1f} | {cell.p(0.99):.1f}"
            f" | {ratio:.2f}x | {cpu_ms:.2f} | {cell.errors} |"
        )
    lines += [
        "",
        "## Threads and database connections (core.asgi_threads), same run",
        "",
        "Django's own ASGI handler runs each request on a new thread, so every request opened"
        " a new PostgreSQL connection (a forked backend) whatever CONN_MAX_AGE said; the pool"
        " keeps 32 threads and their connections. 10 clients, 2 s per cell, two alternating"
        " rounds.",
        "",
        "| endpoint | handler | requests/s | p50 (ms) | p99 (ms) | server CPU per request (ms) |",
        "|---|---|---|---|---|---|",
    ]
    for name, _threads, label, cell, cpu_ms in pool_rows:
        lines.append(
            f"| {name} | {label} | {cell.rate:.0f} | {cell.p(0.5):.1f} | {cell.p(0.99):.1f}"
            f" | {cpu_ms:.2f} |"
        )
    lines += [
        "",
        "PostgreSQL connections opened (pg_stat_database.sessions, counted once the server"
        " has stopped) while each server answered the requests above (warm-up included):",
        "",
        "| handler | requests answered | connections opened |",
        "|---|---|---|",
    ]
    for label, served, opened in connections:
        lines.append(f"| {label} | {served} | {opened} |")
    lines += ["", "Run: `.venv/bin/python benchmarks/api/bench.py` (about 4 minutes).", ""]
    (Path(__file__).parent / "results.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
