"""Real-time delivery latency and capacity: chat over real daphne processes on loopback.

Chat: sender socket → daphne → ChatConsumer → messaging.services.send_message (PostgreSQL
row lock, insert, commit) → fan-out through the Redis channel layer → recipient socket.
Measured from the sender's send to the recipient's receipt (one clock: same process).
Baseline in the same run: the bare echo consumer (/ws/echo/), round trip.

    .venv/bin/python benchmarks/realtime/bench.py --sockets 10 [--compare /tmp/chat-base] [--profile]
    .venv/bin/python benchmarks/realtime/bench.py --sockets 100 --processes 2
    .venv/bin/python benchmarks/realtime/bench.py --sockets 1000 --rate 100 --processes 2

Scenarios, each on fresh sockets:
- closed loop (always): every sender sends its next message after the server's ack and a
  10 ms pause; latency at light load, the capacity of the server(s) at heavy load.
- open loop (``--rate R``): R messages/s in total on a fixed schedule whatever the answers,
  spread over all the pairs (``--sockets`` open sockets, every one a signed-in chat user),
  for ``--duration`` seconds: latency at a given load, and lost / duplicated messages.
- ``--processes 2``: the scenarios again on two daphne processes on two ports, each pair's
  sender on one and recipient on the other, so every message crosses between them through
  Redis (channels-redis); the capacity ratio 2 : 1 comes from the same run.
- ``--compare DIR`` (repeatable): the closed loop (and the open loop, with ``--rate``, one
  process) also against other checkouts (e.g. ``git worktree add --detach /tmp/chat-base
  main``) on the same database, one after the other and before this checkout's, for
  before / after in one run. Compare open loops: a closed loop's offered load depends on
  how soon each version acks.
- Every server gets one chat message before the clock starts (``--cold``: not), so that a
  process's first-send imports are not in the measured latencies.
- ``--profile``: the server is ``timed_asgi`` (stage timers on the send path) and the result
  has a per-stage breakdown.

Every row also has the servers' CPU per message (user + system time of the daphne
processes over the measured window) and how busy the whole machine was: steadier than
latency on a machine the load generator shares.

Starts its own throwaway PostgreSQL and Redis (core.testing.services) and writes ``--out``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]

from benchmarks.common import percentile, prepare  # noqa: E402

Pair = tuple[str, str, str]  # sender session, recipient session, conversation id


def make_pairs(count: int) -> list[Pair]:
    """(sender session cookie, recipient session cookie, conversation id) per pair."""
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

    from messaging.services import start_conversation

    def session_for(user: Any) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return str(store.session_key)

    users = []
    for n in range(count * 2):
        user = get_user_model().objects.create_user(email=f"bench{n}@example.com", password=None)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        users.append(user)
    pairs = []
    for n in range(count):
        sender, recipient = users[2 * n], users[2 * n + 1]
        conversation, _ = start_conversation(sender, [recipient])
        pairs.append((session_for(sender), session_for(recipient), str(conversation.pk)))
    return pairs


# --- servers ----------------------------------------------------------------------------------
def serve(
    log: Path, *, root: Path = ROOT, app: str = "toto.asgi:application", env: dict[str, str]
) -> tuple[subprocess.Popen[bytes], int]:
    """One daphne serving ``root``'s Toto on a free port; ``HERE`` is on the path too, for
    ``timed_asgi``."""
    from core.testing.services import free_port, wait_for_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app],
        cwd=root,
        env={**os.environ, **env, "PYTHONPATH": f"{root / 'platform'}:{root}:{HERE}"},
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        wait_for_port(port, 300, "daphne")  # a shared, loaded machine
    except RuntimeError:
        process.terminate()
        raise
    return process, port


class Servers:
    """``count`` daphne processes, stopped (and their logs checked) on exit."""

    def __init__(self, workdir: Path, count: int, *, root: Path = ROOT, timing: Path | None = None):
        self.processes: list[subprocess.Popen[bytes]] = []
        self.ports: list[int] = []
        self.logs: list[Path] = []
        env = {"TOTO_BENCH_TIMING": str(timing)} if timing else {}
        app = "timed_asgi:application" if timing else "toto.asgi:application"
        for n in range(count):
            log = workdir / f"daphne-{root.name}-{count}-{n}-{time.monotonic_ns()}.log"
            process, port = serve(log, root=root, app=app, env=env)
            self.processes.append(process)
            self.ports.append(port)
            self.logs.append(log)

    def cpu_seconds(self) -> float:
        """User + system CPU time the server processes have used so far (from /proc): CPU per
        message is steadier than latency on a machine shared with the load generator."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for process in self.processes:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def url(self, index: int, path: str) -> str:
        return f"ws://127.0.0.1:{self.ports[index % len(self.ports)]}{path}"

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process, log in zip(self.processes, self.logs, strict=True):
            process.wait(timeout=20)
            text = log.read_text()
            if "Traceback" in text:
                print(f"--- {log.name}\n{text[-8000:]}", file=sys.stderr)


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU time of the whole machine so far, from /proc/stat: with two cores
    shared by the servers, PostgreSQL, Redis and this load generator, how much was left."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return sum(fields) - idle, sum(fields)


def usage(cpu: float, machine: tuple[float, float], messages: int) -> dict[str, float]:
    """The measured window's server CPU per message and how busy the whole machine was
    (from the values taken at its start)."""
    busy, total = machine_busy()
    return {
        "cpu_ms": 1000 * cpu / max(1, messages),
        "machine_busy": (busy - machine[0]) / max(1, total - machine[1]),
    }


# --- clients ----------------------------------------------------------------------------------
async def open_socket(url: str, session: str | None = None) -> Any:
    import websockets

    headers = {"Origin": "http://127.0.0.1"}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    return await websockets.connect(
        url, additional_headers=headers, max_queue=None, open_timeout=60, ping_interval=None
    )


async def open_many(urls_and_sessions: list[tuple[str, str | None]], batch: int = 50) -> list[Any]:
    """Opens the sockets in batches (a thousand handshakes at once only measures the
    listen backlog) and waits for each chat socket's hello."""
    sockets: list[Any] = []
    for start in range(0, len(urls_and_sessions), batch):
        chunk = urls_and_sessions[start : start + batch]
        opened = await asyncio.gather(*[open_socket(url, s) for url, s in chunk])
        for ws, (_, session) in zip(opened, chunk, strict=True):
            if session:
                assert json.loads(await ws.recv())["type"] == "hello"
        sockets.extend(opened)
    return sockets


async def echo_run(servers: Servers, sockets: int, messages: int) -> dict[str, Any]:
    clients = await open_many([(servers.url(i, "/ws/echo/"), None) for i in range(sockets)])
    latencies: list[float] = []
    started = time.perf_counter()
    cpu, machine = servers.cpu_seconds(), machine_busy()

    async def one(ws: Any) -> None:
        for n in range(messages):
            started = time.perf_counter()
            await ws.send(json.dumps({"type": "ping", "n": n}))
            await ws.recv()
            latencies.append(time.perf_counter() - started)
            await asyncio.sleep(0.01)

    await asyncio.gather(*[one(ws) for ws in clients])
    rate = len(latencies) / (time.perf_counter() - started)
    cpu = servers.cpu_seconds() - cpu
    await asyncio.gather(*[ws.close() for ws in clients])
    return {
        "latencies": latencies,
        "rate": rate,
        "duplicates": 0,
        "lost": 0,
        **usage(cpu, machine, len(latencies)),
    }


def message_frame(conversation: str, client_id: str, n: int) -> str:
    return json.dumps(
        {
            "type": "message.send",
            "conversation": conversation,
            "client_id": client_id,
            "body": f"hola {n}, ¿qué tal el día?",
        }
    )


async def open_pairs(servers: Servers, pairs: list[Pair]) -> tuple[list[Any], list[Any]]:
    """Sender i on server i, recipient i on server i + 1: with two servers every message
    crosses from one process to the other."""
    senders = await open_many(
        [(servers.url(i, "/ws/chat/"), s) for i, (s, _, _) in enumerate(pairs)]
    )
    recipients = await open_many(
        [(servers.url(i + 1, "/ws/chat/"), r) for i, (_, r, _) in enumerate(pairs)]
    )
    return senders, recipients


class Delivery:
    """What the recipients saw: latency per message, duplicates, and what never came."""

    def __init__(self) -> None:
        self.sent_at: dict[str, float] = {}
        self.received_at: dict[str, float] = {}
        self.duplicates = 0

    async def receive(self, ws: Any) -> None:
        try:
            async for frame in ws:
                event = json.loads(frame)
                if event["type"] != "message.new":
                    continue
                client_id = event["message"]["client_id"]
                if client_id in self.received_at:
                    self.duplicates += 1
                else:
                    self.received_at[client_id] = time.perf_counter()
        except Exception:  # noqa: S110 - the socket closed at the end of the run
            pass

    async def wait_for_all(self, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while len(self.received_at) < len(self.sent_at) and time.perf_counter() < deadline:
            await asyncio.sleep(0.05)

    def latencies(self) -> list[float]:
        return [
            self.received_at[key] - sent
            for key, sent in self.sent_at.items()
            if key in self.received_at
        ]

    def lost(self) -> int:
        return len(set(self.sent_at) - set(self.received_at))


async def closed_loop(
    servers: Servers, pairs: list[Pair], messages: int, tag: str
) -> dict[str, Any]:
    senders, recipients = await open_pairs(servers, pairs)
    delivery = Delivery()
    receivers = [asyncio.ensure_future(delivery.receive(ws)) for ws in recipients]

    async def send(ws: Any, index: int, conversation: str) -> None:
        for n in range(messages):
            client_id = f"{tag}-{index}-{n}"
            delivery.sent_at[client_id] = time.perf_counter()
            await ws.send(message_frame(conversation, client_id, n))
            while (
                json.loads(await asyncio.wait_for(ws.recv(), timeout=60))["type"] != "message.ack"
            ):
                pass
            await asyncio.sleep(0.01)

    started = time.perf_counter()
    cpu, machine = servers.cpu_seconds(), machine_busy()
    await asyncio.gather(
        *[
            send(ws, i, conv)
            for i, (ws, (_, _, conv)) in enumerate(zip(senders, pairs, strict=True))
        ]
    )
    await delivery.wait_for_all(30)
    elapsed = time.perf_counter() - started
    cpu = servers.cpu_seconds() - cpu
    await asyncio.gather(*[ws.close() for ws in [*senders, *recipients]])
    await asyncio.gather(*receivers)
    return {
        "latencies": delivery.latencies(),
        "rate": len(delivery.received_at) / elapsed,
        "duplicates": delivery.duplicates,
        "lost": delivery.lost(),
        "delivery": delivery,
        **usage(cpu, machine, len(delivery.received_at)),
    }


async def open_loop(
    servers: Servers, pairs: list[Pair], rate: float, duration: float, tag: str
) -> dict[str, Any]:
    """``rate`` messages/s over all pairs in turn, on schedule whatever the server answers
    (a late answer does not delay the next send: queueing shows up as latency)."""
    senders, recipients = await open_pairs(servers, pairs)
    delivery = Delivery()
    acks = {"count": 0}

    async def drain(ws: Any) -> None:
        try:
            async for frame in ws:
                if json.loads(frame)["type"] == "message.ack":
                    acks["count"] += 1
        except Exception:  # noqa: S110
            pass

    readers = [asyncio.ensure_future(delivery.receive(ws)) for ws in recipients]
    readers += [asyncio.ensure_future(drain(ws)) for ws in senders]
    total = int(rate * duration)
    late = 0.0
    sending: set[asyncio.Future[None]] = set()
    started = time.perf_counter()
    cpu, machine = servers.cpu_seconds(), machine_busy()
    for k in range(total):
        due = started + k / rate
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        else:
            late = max(late, -wait)
        index = k % len(pairs)
        client_id = f"{tag}-{k}"
        delivery.sent_at[client_id] = time.perf_counter()
        sending.add(
            asyncio.ensure_future(senders[index].send(message_frame(pairs[index][2], client_id, k)))
        )
    elapsed = time.perf_counter() - started
    await asyncio.gather(*sending)
    await delivery.wait_for_all(30)
    cpu = servers.cpu_seconds() - cpu
    await asyncio.gather(*[ws.close() for ws in [*senders, *recipients]])
    await asyncio.gather(*readers)
    return {
        "latencies": delivery.latencies(),
        "rate": total / elapsed,
        "duplicates": delivery.duplicates,
        "lost": delivery.lost(),
        "acks": acks["count"],
        "late": late,
        "delivery": delivery,
        **usage(cpu, machine, len(delivery.received_at)),
    }


async def warm_chat(servers: Servers, pair: Pair) -> None:
    """One chat message through every server before the clock starts: a process's first
    send imports every app's Celery tasks (autodiscovery, for the offline nudge), seconds of
    import on a loaded machine that would otherwise sit in the measured messages' p99.
    ``--cold`` skips this (the start-up cost then shows in the results)."""
    for index in range(len(servers.ports)):
        (sender,) = await open_many([(servers.url(index, "/ws/chat/"), pair[0])])
        (recipient,) = await open_many([(servers.url(index + 1, "/ws/chat/"), pair[1])])
        await sender.send(message_frame(pair[2], f"warm-{index}-{time.monotonic_ns()}", 0))
        while json.loads(await asyncio.wait_for(recipient.recv(), 120))["type"] != "message.new":
            pass
        await asyncio.gather(sender.close(), recipient.close())


# --- the stage breakdown (--profile) ----------------------------------------------------------
STAGES = [
    ("client → chat consumer (daphne, frame decode)", "consumer.frame", "sent"),
    ("hop into the thread pool", "thread.start", "consumer.frame"),
    ("email-verified check", "verified.duration", None),
    ("SQL in send_message (all statements, incl. commit)", "sql.duration", None),
    ("Fernet encryption", "encrypt.duration", None),
    ("blind-index tokens", "tokens.duration", None),
    ("fan-out group sends", "fanout.duration", None),
    ("Celery enqueue (offline nudge)", "enqueue.duration", None),
    ("send_message in its thread, total", "thread.end", "thread.start"),
    ("fan-out start → recipient's consumer (Redis)", "recipient.event", "fanout.start"),
    (
        "  fan-out start → recipient's group send starts",
        "recipient.group_send.start",
        "fanout.start",
    ),
    ("  recipient's group send", "recipient.group_send.end", "recipient.group_send.start"),
    ("  group send done → popped from Redis", "recipient.popped", "recipient.group_send.end"),
    ("  popped → recipient's consumer runs", "recipient.event", "recipient.popped"),
    ("recipient consumer → recipient client", "received", "recipient.sent"),
    ("thread end → ack sent (hop back, ack)", "consumer.acked", "thread.end"),
    ("sender → recipient, total", "received", "sent"),
]


def breakdown(timing: Path, delivery: Delivery) -> list[tuple[str, float, float]]:
    marks: dict[str, dict[str, float]] = defaultdict(dict)
    for line in timing.read_text().splitlines():
        client_id, stage, value = line.split()
        bucket = marks[client_id]
        if stage.endswith(".duration") or stage == "sql.count":
            bucket[stage] = bucket.get(stage, 0.0) + float(value)
        else:
            bucket.setdefault(stage, float(value))
    for client_id, sent in delivery.sent_at.items():
        marks[client_id]["sent"] = sent
        if client_id in delivery.received_at:
            marks[client_id]["received"] = delivery.received_at[client_id]
    rows = []
    for name, end, start in STAGES:
        values = [
            (m[end] - m[start]) if start else m[end]
            for m in marks.values()
            if end in m and (start is None or start in m) and "sent" in m
        ]
        if values:
            rows.append((name, statistics.median(values) * 1000, percentile(values, 0.99) * 1000))
    counts = [m["sql.count"] for m in marks.values() if "sql.count" in m and "sent" in m]
    if counts:
        rows.append(("SQL statements per send (count)", statistics.median(counts), max(counts)))
    return rows


# --- the run ------------------------------------------------------------------------------------
def row(name: str, result: dict[str, Any]) -> str:
    values = result["latencies"]
    return (
        f"| {name} | {len(values)} | {statistics.median(values) * 1000:.1f} | "
        f"{percentile(values, 0.99) * 1000:.1f} | {result['rate']:.0f} | "
        f"{result['lost']} | {result['duplicates']} | {result['cpu_ms']:.2f} | "
        f"{100 * result['machine_busy']:.0f} |"
    )


HEADER = [
    "| path | samples | p50 (ms) | p99 (ms) | messages/s | lost | duplicated | server CPU/msg (ms) | machine busy (%) |",
    "|---|---|---|---|---|---|---|---|---|",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sockets", type=int, default=100, help="open sockets (pairs x 2)")
    parser.add_argument("--messages", type=int, default=20, help="closed loop: per sender")
    parser.add_argument("--rate", type=float, default=0, help="open loop: messages/s in total")
    parser.add_argument("--duration", type=float, default=20, help="open loop: seconds")
    parser.add_argument("--processes", type=int, default=1, choices=(1, 2))
    parser.add_argument(
        "--compare",
        type=Path,
        action="append",
        default=[],
        help="another checkout (e.g. a worktree of main): closed loop on it too; repeatable",
    )
    parser.add_argument("--profile", action="store_true", help="per-stage breakdown")
    parser.add_argument(
        "--cold", action="store_true", help="no warm-up message (first-send imports measured)"
    )
    parser.add_argument("--no-closed", action="store_true", help="skip the closed loop")
    parser.add_argument("--out", default=str(HERE / "results-run.md"))
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = min(hard, max(soft, 4 * args.sockets + 1024))
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))  # inherited by daphne

    workdir = Path(tempfile.mkdtemp(prefix="toto-bench-rt-"))
    postgres, redis = prepare(workdir)
    lines: list[str] = []
    loads: list[tuple[float, float, float]] = []
    breakdowns: dict[str, list[tuple[str, float, float]]] = {}
    results: list[tuple[str, dict[str, Any]]] = []

    def run(label: str, count: int, root: Path, scenario: Any) -> dict[str, Any]:
        timing = workdir / f"timing-{len(results)}.log" if args.profile else None
        servers = Servers(workdir, count, root=root, timing=timing)
        try:
            asyncio.run(echo_run(servers, 4, 5))  # warm up
            if not args.cold:
                asyncio.run(warm_chat(servers, warm_pair))
            loads.append(os.getloadavg())
            result = asyncio.run(scenario(servers))
            loads.append(os.getloadavg())
        finally:
            servers.stop()
        results.append((label, result))
        if timing is not None and "delivery" in result:
            breakdowns[label] = breakdown(timing, result["delivery"])
        print(row(label, result), flush=True)
        return result

    try:
        *pairs, warm_pair = make_pairs(args.sockets // 2 + 1)
        counts = [1, 2] if args.processes == 2 else [1]
        for count in counts:
            servers_name = "1 process" if count == 1 else "2 processes"
            run(
                f"echo, bare consumer, round trip ({servers_name})",
                count,
                ROOT,
                lambda s: echo_run(s, args.sockets, args.messages),
            )
            if not args.no_closed:
                for other in args.compare if count == 1 else []:
                    run(
                        f"chat, closed loop, **{other.name}** ({servers_name})",
                        count,
                        other,
                        lambda s, o=other.name: closed_loop(s, pairs, args.messages, o),
                    )
                run(
                    f"chat, closed loop ({servers_name})",
                    count,
                    ROOT,
                    lambda s, c=count: closed_loop(s, pairs, args.messages, f"closed{c}"),
                )
            if args.rate:
                # The other checkouts too (one process): the same offered load for each, where
                # a closed loop's pace depends on how soon each version acks.
                for other in args.compare if count == 1 else []:
                    run(
                        f"chat, open loop {args.rate:.0f} msg/s, **{other.name}** ({servers_name})",
                        count,
                        other,
                        lambda s, o=other.name: open_loop(
                            s, pairs, args.rate, args.duration, f"open-{o}"
                        ),
                    )
                run(
                    f"chat, open loop {args.rate:.0f} msg/s ({servers_name})",
                    count,
                    ROOT,
                    lambda s, c=count: open_loop(s, pairs, args.rate, args.duration, f"open{c}"),
                )
    finally:
        redis.stop()
        postgres.stop()

    lines += [
        f"### {args.sockets} sockets" + (f", {args.rate:.0f} msg/s open loop" if args.rate else ""),
        "",
        f"Machine: {os.cpu_count()} CPU cores (shared), Python {platform.python_version()}; "
        f"{args.sockets // 2} sender/recipient pairs; closed loop {args.messages} messages per "
        f"sender; open loop {args.duration:.0f} s. Load average (1 min) during the run: "
        f"{min(x[0] for x in loads):.2f} to {max(x[0] for x in loads):.2f}.",
        "",
        *HEADER,
        *[row(label, result) for label, result in results],
        "",
    ]
    echo = {label: r for label, r in results if label.startswith("echo")}
    for label, result in results:
        if label.startswith("chat"):
            base = echo[next(k for k in echo if k.endswith(label[label.rfind("(") :]))]
            lines.append(
                f"- {label}: p50 **{statistics.median(result['latencies']) / statistics.median(base['latencies']):.1f}x**"
                f" the echo's, p99 **{percentile(result['latencies'], 0.99) / percentile(base['latencies'], 0.99):.1f}x**"
                + f"; server CPU per message **{result['cpu_ms'] / base['cpu_ms']:.1f}x**"
                + (
                    f"; scheduler late by at most {result['late'] * 1000:.0f} ms"
                    if "late" in result
                    else ""
                )
            )
    closed = {label: r for label, r in results if "closed loop (" in label}
    if len(closed) == 2:
        one, two = (closed[k]["rate"] for k in sorted(closed))
        lines.append(f"- closed-loop capacity, 2 processes / 1: **{two / one:.2f}x**")
    lines.append("")
    for label, rows in breakdowns.items():
        lines += [
            f"Stages of {label} (from `timed_asgi`):",
            "",
            "| stage | p50 (ms) | p99 (ms) |",
            "|---|---|---|",
            *[f"| {name} | {p50:.2f} | {p99:.2f} |" for name, p50, p99 in rows],
            "",
        ]
    Path(args.out).write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
