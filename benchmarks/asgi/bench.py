"""ASGI servers compared on the same app and machine: daphne, uvicorn (uvloop + httptools)
and granian, for HTTP and for WebSockets.

Each server serves ``toto.asgi:application`` (the benchmark settings of benchmarks/api: a
throwaway PostgreSQL and Redis, persistent connections) in one process, then uvicorn and
granian again with two worker processes (daphne has no workers of its own). Per server:
the bare JSON view and ``/api/v1/users/me/`` signed in (closed loop, keep-alive), and the
echo consumer's round trip over WebSockets. Two alternating rounds; the table keeps the
better of the two per cell (the machine is shared with other work).

    .venv/bin/python benchmarks/asgi/bench.py [--seconds 2]

Writes benchmarks/asgi/results.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]

from benchmarks.common import percentile, prepare  # noqa: E402
from benchmarks.loadgen import build_request, cpu_seconds, run_cell  # noqa: E402

HOST = "127.0.0.1"
APP = "toto.asgi:application"


def command(server: str, port: int, workers: int) -> list[str]:
    python = sys.executable
    if server == "daphne":
        return [python, "-m", "daphne", "-b", HOST, "-p", str(port), APP]
    if server == "uvicorn":
        return [
            python, "-m", "uvicorn", APP, "--host", HOST, "--port", str(port),
            "--loop", "uvloop", "--http", "httptools", "--ws", "websockets",
            "--no-access-log", "--log-level", "warning", "--no-proxy-headers",
            "--workers", str(workers),
        ]  # fmt: skip
    return [
        str(Path(python).parent / "granian"), "--interface", "asgi", "--host", HOST,
        "--port", str(port), "--loop", "uvloop", "--workers", str(workers),
        "--log-level", "warning", "--no-access-log", APP,
    ]  # fmt: skip


def tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its live children (worker processes)."""
    total = cpu_seconds(pid)
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        for child in children.read_text().split():
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                total += tree_cpu(int(child))
    return total


def start(server: str, workers: int, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    from core.testing.services import free_port, wait_for_port

    port = free_port()
    process = subprocess.Popen(
        command(server, port, workers),
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'platform'}:{ROOT}"},
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
        start_new_session=True,
    )
    wait_for_port(port, 120, server)
    # Every worker imports Django on its own: wait until requests are answered.
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/bench/json/", timeout=5).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    time.sleep(2 if workers > 1 else 0)
    return process, port


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group; SIGKILL if it is still there after 15 s
    (granian's main process waited longer for its workers here)."""
    import signal

    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def session_cookie() -> str:
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.create_user(email="asgi@example.com", password=None)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


async def echo(port: int, sockets: int, seconds: float) -> tuple[float, list[float]]:
    import websockets

    clients = await asyncio.gather(
        *[
            websockets.connect(
                f"ws://{HOST}:{port}/ws/echo/", additional_headers={"Origin": f"http://{HOST}"}
            )
            for _ in range(sockets)
        ]
    )
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds

    async def one(ws) -> None:  # type: ignore[no-untyped-def]
        n = 0
        while time.perf_counter() < stop_at:
            sent = time.perf_counter()
            await ws.send(json.dumps({"type": "ping", "n": n}))
            await ws.recv()
            latencies.append(time.perf_counter() - sent)
            n += 1

    began = time.perf_counter()
    await asyncio.gather(*[one(ws) for ws in clients])
    rate = len(latencies) / (time.perf_counter() - began)
    await asyncio.gather(*[ws.close() for ws in clients])
    return rate, latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="toto-bench-asgi-"))
    os.environ["TOTO_BENCH_MEDIA_ROOT"] = str(root / "media")
    postgres, redis = prepare(root, "benchmarks.api.settings")
    cookie = session_cookie()
    bare = [build_request("GET", "/bench/json/", HOST)]
    me = [
        build_request(
            "GET", "/api/v1/users/me/", HOST, {"Cookie": f"sessionid={cookie}", "Accept": "*/*"}
        )
    ]
    shapes = [
        ("daphne", 1),
        ("uvicorn", 1),
        ("granian", 1),
        ("uvicorn", 2),
        ("granian", 2),
    ]
    best: dict[tuple[str, int, str], tuple[float, float, float, float]] = {}

    def keep(key: tuple[str, int, str], rate: float, p50: float, p99: float, cpu: float) -> None:
        if key not in best or rate > best[key][0]:
            best[key] = (rate, p50, p99, cpu)

    try:
        for _round in range(2):
            for server, workers in shapes:
                process, port = start(server, workers, root / f"{server}-{workers}.log")
                try:
                    for label, requests, clients in (
                        ("bare JSON, 10 clients", bare, 10),
                        ("bare JSON, 50 clients", bare, 50),
                        ("users/me signed in, 10 clients", me, 10),
                    ):
                        before = tree_cpu(process.pid)
                        cell = asyncio.run(
                            run_cell(HOST, port, requests, clients, args.seconds, warmup=0.3)
                        )
                        cpu = (tree_cpu(process.pid) - before) / max(cell.requests, 1) * 1000
                        assert cell.errors == 0, (server, label, cell.statuses)
                        keep((server, workers, label), cell.rate, cell.p(0.5), cell.p(0.99), cpu)
                        print(f"{server} x{workers} {label}: {cell.rate:.0f}/s", flush=True)
                    before = tree_cpu(process.pid)
                    rate, latencies = asyncio.run(echo(port, 50, args.seconds))
                    cpu = (tree_cpu(process.pid) - before) / max(len(latencies), 1) * 1000
                    keep(
                        (server, workers, "WebSocket echo, 50 sockets"),
                        rate,
                        percentile(latencies, 0.5) * 1000,
                        percentile(latencies, 0.99) * 1000,
                        cpu,
                    )
                    print(f"{server} x{workers} echo: {rate:.0f}/s", flush=True)
                finally:
                    stop(process)
        write_results(best, shapes, args.seconds)
    finally:
        redis.stop()
        postgres.stop()


def write_results(
    best: dict[tuple[str, int, str], tuple[float, float, float, float]],
    shapes: list[tuple[str, int]],
    seconds: float,
) -> None:
    labels = sorted({key[2] for key in best}, key=lambda s: (s.startswith("Web"), s))
    lines = [
        "# ASGI servers: daphne, uvicorn, granian",
        "",
        f"Machine: {os.cpu_count()} CPU cores **shared with other sessions** (load average"
        f" {os.getloadavg()[0]:.1f} at the end), Python {platform.python_version()}; the same"
        " app (toto.asgi:application, benchmark settings, PostgreSQL and Redis on loopback)"
        " under each server; the load generator on the same cores. Closed loop, keep-alive,"
        f" {seconds:g} s per cell, two alternating rounds, the better round kept. Ratios are"
        " against daphne (one process) in the same run. Server CPU per request sums the"
        " server's processes.",
        "",
    ]
    for label in labels:
        reference = best.get(("daphne", 1, label))
        lines += [
            f"## {label}",
            "",
            "| server | processes | per second | x daphne | p50 (ms) | p99 (ms)"
            " | server CPU per request/message (ms) |",
            "|---|---|---|---|---|---|---|",
        ]
        for server, workers in shapes:
            if (server, workers, label) not in best:
                continue
            rate, p50, p99, cpu = best[(server, workers, label)]
            ratio = rate / reference[0] if reference else float("nan")
            lines.append(
                f"| {server} | {workers} | {rate:.0f} | {ratio:.2f}x | {p50:.1f} | {p99:.1f}"
                f" | {cpu:.2f} |"
            )
        lines.append("")
    lines += ["Run: `.venv/bin/python benchmarks/asgi/bench.py` (about 3 minutes).", ""]
    (Path(__file__).parent / "results.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
