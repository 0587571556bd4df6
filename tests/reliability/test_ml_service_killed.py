"""The real ML service (``ml.main:app`` under uvicorn, its own process) killed while the
site waits for its answer: a clear 503 ``ai_unavailable``, nothing charged; started again,
requests succeed. docs/reliability.md has the results table.

The kill is made deterministic: the service is frozen (SIGSTOP), the site's request is sent
(the kernel accepts the connection and holds the request bytes), then the process is killed
(SIGKILL): the site's request was in flight, unanswered, when the service died.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.db import close_old_connections
from django.test import Client, override_settings

from ai.models import AIUsage, Outcome
from core.testing.services import free_port
from credits.models import AccountKind, UsageCharge
from credits.services import grant_credits, user_account

pytestmark = pytest.mark.django_db(transaction=True)
REPO = Path(__file__).resolve().parents[2]
GRAMMAR = "/api/v1/ai/grammar/"


class MLService:
    """``ml.main:app`` served by uvicorn in a child process that the test can kill."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", "ml.main:app", "--host", "127.0.0.1"),
                *("--port", str(self.port), "--log-level", "warning"),
            ],
            cwd=REPO,
            env={**os.environ, "ML_API_KEY": ""},
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("the ML service did not start")

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def request_waiting(self) -> bool:
        """Whether a connection to the service holds request bytes it has not read."""
        port = f"{self.port:04X}"
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            local, state, queues = fields[1], fields[3], fields[4]
            if local.endswith(f":{port}") and state == "01" and int(queues.split(":")[1], 16):
                return True
        return False


@pytest.fixture
def ml_service() -> Iterator[MLService]:
    service = MLService()
    service.start()
    with override_settings(ML_URL=service.url, ML_API_KEY=""):
        yield service
    service.kill()


def grammar(client: Client, text: str) -> Any:
    close_old_connections()
    return client.post(GRAMMAR, {"text": text, "language": "en"}, content_type="application/json")


def test_ml_service_killed_during_a_request_is_503_charges_nothing_and_recovers(
    ml_service: MLService, student: Any, recovered: Callable[[str, float], float]
) -> None:
    grant_credits(student, Decimal("10"), idempotency_key=f"test:{student.pk}")
    client = Client(raise_request_exception=False)
    client.force_login(student)
    assert grammar(client, "She dont like apples.").status_code == 200
    wallet = user_account(student, AccountKind.WALLET)
    assert wallet.balance == Decimal("9.95")

    process = ml_service.process
    assert process is not None
    process.send_signal(signal.SIGSTOP)
    answers: list[Any] = []
    in_flight = threading.Thread(
        target=lambda: answers.append(grammar(client, "This is an test.")), daemon=True
    )
    in_flight.start()
    deadline = time.monotonic() + 10
    while not ml_service.request_waiting():
        assert time.monotonic() < deadline, "the site's request never reached the service"
        time.sleep(0.01)
    ml_service.kill()
    in_flight.join(timeout=30)
    assert answers, "the site's request did not come back"
    down = answers[0]
    assert down.status_code == 503, down.content
    assert down.json()["code"] == "ai_unavailable"
    close_old_connections()
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("9.95")
    assert UsageCharge.objects.filter(user=student).count() == 1
    assert AIUsage.objects.filter(outcome=Outcome.UNAVAILABLE).count() == 1

    # Called again while it is down: the same clear 503.
    assert grammar(client, "This is an test.").status_code == 503

    since = time.monotonic()
    ml_service.start()
    back = grammar(client, "This is an test.")
    assert back.status_code == 200, back.content
    recovered("ML service killed and started again: grammar request", since)
    assert "an test" not in back.json()["corrected_text"]
    wallet.refresh_from_db()
    assert wallet.balance == Decimal("9.90")
    assert UsageCharge.objects.filter(user=student).count() == 2
