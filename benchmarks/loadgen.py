"""A closed-loop HTTP/1.1 load generator for loopback benchmarks, cheap on CPU.

The client shares the machine's cores with the server it measures, so it is written on bare
asyncio streams (keep-alive, Content-Length or chunked bodies) instead of a full HTTP client:
per request it costs a few tens of microseconds. Each of ``clients`` connections sends its
next request as soon as the previous answer is read (closed loop).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from benchmarks.common import percentile


@dataclass
class Cell:
    """What one (endpoint, concurrency) run measured."""

    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def p(self, fraction: float) -> float:
        return percentile(self.latencies, fraction) * 1000 if self.latencies else float("nan")


def build_request(
    method: str, path: str, host: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body or method in {"POST", "PUT", "PATCH"}:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Reads one response; returns its status and whether the server keeps the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif status not in (204, 304):
        await reader.read()  # body until close
        return status, False
    return status, headers.get("connection", "").lower() != "close"


async def run_cell(
    host: str,
    port: int,
    requests: list[bytes] | list[Callable[[int], bytes]],
    clients: int,
    seconds: float,
    warmup: float = 0.5,
) -> Cell:
    """``clients`` connections for ``seconds`` (after ``warmup`` not counted); client i
    sends ``requests[i % len(requests)]`` again and again (a callable makes its n-th request:
    writes that must differ)."""
    cell = Cell()
    stop_at = time.perf_counter() + warmup + seconds
    count_from = time.perf_counter() + warmup

    async def one(request: bytes | Callable[[int], bytes]) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        sent = 0
        try:
            while (started := time.perf_counter()) < stop_at:
                writer.write(request(sent) if callable(request) else request)
                sent += 1
                try:
                    status, keep = await read_response(reader)
                except (asyncio.IncompleteReadError, ConnectionError):
                    cell.errors += 1
                    keep = False
                    status = 0
                took = time.perf_counter() - started
                if started >= count_from:
                    cell.requests += 1
                    cell.latencies.append(took)
                    cell.statuses[status] = cell.statuses.get(status, 0) + 1
                    if not 200 <= status < 400:
                        cell.errors += 1
                if not keep:
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*[one(requests[i % len(requests)]) for i in range(clients)])
    cell.seconds = time.perf_counter() - max(began + warmup, count_from)
    return cell


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process (and its reaped children) has used so far: per
    request, a cost that other work on a shared machine barely changes, unlike requests/s."""
    import os
    from pathlib import Path

    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")
