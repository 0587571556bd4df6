"""A pytest plugin that starts the real PostgreSQL and Redis servers for a test session.

Loaded with ``-p core.testing.services`` (pyproject addopts) so that it runs before
pytest-django reads the settings: the servers' ports reach toto.settings.test through the
environment. Each session gets its own throwaway servers on free loopback ports, so parallel
sessions and developer machines with their own services don't collide. Under pytest-xdist
(``make test`` runs the unit suite with ``-n 2``) each worker is such a session: its own
PostgreSQL and Redis, which a test may restart or flush without reaching the other worker.

As root, PostgreSQL refuses to start: its tools then run in a user namespace where we are an
ordinary user (MACHINE-NOTES.md). Set TOTO_TEST_DATABASE_PORT / TOTO_TEST_REDIS_URL to use
servers you run yourself instead.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PG_BIN_CANDIDATES = [
    Path("/usr/lib/postgresql/17/bin"),
    Path("/usr/lib/postgresql/16/bin"),
    Path("/usr/lib/postgresql/15/bin"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float, what: str) -> None:
    """Returns once something listens on loopback ``port``; raises after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start listening on port {port} within {timeout}s")


def _wait_for_port_closed(port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.2)
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def _as_unprivileged(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["unshare", "--user", "--map-user=1000", "--map-group=1000", *command]


@dataclass
class PostgresServer:
    port: int
    datadir: Path
    bindir: Path

    @classmethod
    def start(cls, root: Path) -> PostgresServer:
        bindir = next((path for path in PG_BIN_CANDIDATES if (path / "pg_ctl").exists()), None)
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed: run `make test` (it installs it).")
        server = cls(port=free_port(), datadir=root / "pgdata", bindir=bindir)
        subprocess.run(
            _as_unprivileged(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(server.datadir),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "--no-sync",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        server.launch()
        return server

    @property
    def pid_file(self) -> Path:
        return self.datadir / "postmaster.pid"

    def _postmaster_pid(self) -> int | None:
        """The PID written in postmaster.pid, or None without a (readable) pid file."""
        try:
            return int(self.pid_file.read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def is_running(self) -> bool:
        pid = self._postmaster_pid()
        return pid is not None and _alive(pid)

    def _remove_stale_lock_files(self) -> None:
        """A postmaster that died without cleaning up leaves postmaster.pid (and the socket's
        lock file) behind; the next start then finds "another server might be running" and,
        if the PID has been reused by another process meanwhile, refuses to start. They are
        removed only when the process they name is gone."""
        socket_lock = self.datadir.parent / f".s.PGSQL.{self.port}.lock"
        for lock in (self.pid_file, socket_lock):
            try:
                pid = int(lock.read_text().split("\n", 1)[0])
            except (OSError, ValueError):
                continue
            if not _alive(pid):
                lock.unlink(missing_ok=True)

    def launch(self) -> None:
        """Starts the server (a no-op when it is running), retrying a start that fails."""
        if self.is_running():
            return
        root = self.datadir.parent
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{root}'"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=200"
        )
        failure = ""
        for attempt in range(3):
            self._remove_stale_lock_files()
            result = subprocess.run(
                _as_unprivileged(
                    [
                        str(self.bindir / "pg_ctl"),
                        "start",
                        "-D",
                        str(self.datadir),
                        "-w",
                        "-l",
                        str(root / "postgres.log"),
                        "-o",
                        options,
                    ]
                ),
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            if result.returncode == 0:
                wait_for_port(self.port, 30, "PostgreSQL")
                return
            failure = result.stderr
            self._wait_for_exit(self._postmaster_pid(), 10)
            time.sleep(0.2 * (attempt + 1))
        log = root / "postgres.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"PostgreSQL did not start: {failure}\n{tail}")

    def _wait_for_exit(self, pid: int | None, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while pid is not None and _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.02)

    def stop(self) -> None:
        """Stops the server at once, as a crash (``-m immediate``: every connection dropped, no
        checkpoint), and returns only when the old postmaster has exited and its port is free:
        pg_ctl can return before that, and a start then races the dying server."""
        pid = self._postmaster_pid()
        subprocess.run(
            _as_unprivileged(
                [str(self.bindir / "pg_ctl"), "stop", "-D", str(self.datadir), "-m", "immediate"]
            ),
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_for_exit(pid, 15)
        if pid is not None and _alive(pid):  # pragma: no cover - a stuck postmaster
            os.kill(pid, signal.SIGKILL)
            self._wait_for_exit(pid, 5)
        _wait_for_port_closed(self.port, 10)
        self._remove_stale_lock_files()

    def restart(self) -> None:
        """Stops the server at once (as a crash: every connection dropped) and starts it again
        on the same port with the same data (tests/reliability)."""
        self.stop()
        self.launch()


@dataclass
class RedisServer:
    port: int
    workdir: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @classmethod
    def start(cls, root: Path) -> RedisServer:
        server = cls(port=free_port(), workdir=root / "redis")
        server.workdir.mkdir()
        server.launch()
        return server

    def launch(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            raise RuntimeError("redis-server is not installed: run `make test` (it installs it).")
        self.process = subprocess.Popen(
            [
                executable,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, 15, "Redis")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def restart(self) -> None:
        """Stops and starts the server on the same port (its data is lost, as in a crash)."""
        self.stop()
        self.launch()


@dataclass
class TestServices:
    postgres: PostgresServer | None
    redis: RedisServer | None
    root: Path


services: TestServices | None = None


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    global services
    if services is not None or os.environ.get("TOTO_TEST_NO_SERVICES"):
        return
    if getattr(early_config.known_args_namespace, "numprocesses", None) and not os.environ.get(
        "PYTEST_XDIST_WORKER"
    ):
        # The pytest-xdist controller runs no test: each worker starts its own servers (its
        # own Redis to restart, FLUSHDB and fill with queues; its own PostgreSQL connections),
        # exactly as separate sessions would.
        return
    root = Path(tempfile.mkdtemp(prefix="toto-test-services-"))
    postgres = None
    redis = None
    if "TOTO_TEST_DATABASE_PORT" not in os.environ:
        postgres = PostgresServer.start(root)
        os.environ["TOTO_TEST_DATABASE_PORT"] = str(postgres.port)
    if "TOTO_TEST_REDIS_URL" not in os.environ:
        redis = RedisServer.start(root)
        os.environ["TOTO_TEST_REDIS_URL"] = redis.url
    services = TestServices(postgres=postgres, redis=redis, root=root)


def pytest_unconfigure(config: pytest.Config) -> None:
    global services
    if services is None:
        return
    if services.redis:
        services.redis.stop()
    if services.postgres:
        services.postgres.stop()
    shutil.rmtree(services.root, ignore_errors=True)
    services = None
