"""The deployed server answers a request line over Twisted's 16 kB limit with 414 in the
error shape instead of dropping the connection without a word."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

PLATFORM = Path(__file__).resolve().parents[3] / "platform"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ask(port: int, query_length: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        line = b"GET /api/v1/health/?q=" + b"x" * query_length + b" HTTP/1.1\r\n"
        connection.sendall(line + b"Host: localhost\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        return answer


@pytest.fixture
def daphne() -> Iterator[int]:
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "toto.settings.test"}
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "toto.asgi:application"],
        cwd=PLATFORM, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("daphne did not start")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_overlong_query_strings_get_an_answer_under_daphne(daphne: int) -> None:
    # Past Twisted's line limit: answered by the server hook, not dropped.
    over_twisted = ask(daphne, 40_000)
    assert over_twisted.startswith(b"HTTP/1.1 414 ")
    assert b'"code": "uri_too_long"' in over_twisted
    # Under Twisted's limit but over ours: Django's middleware answers.
    over_ours = ask(daphne, 10_000)
    assert over_ours.startswith(b"HTTP/1.1 414 ") and b"uri_too_long" in over_ours
    assert ask(daphne, 100).startswith(b"HTTP/1.1 200 ")
