"""Fixtures shared by the AI and translation tests: the real ML service, a dead one, credits,
and a fake OpenAI server on loopback speaking OpenAI's real chat-completion JSON."""

import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import override_settings

from core.testing.services import free_port


@pytest.fixture
def live_ml(ml_service_url: str) -> Iterator[str]:
    with override_settings(ML_URL=ml_service_url, ML_API_KEY=""):
        yield ml_service_url


@pytest.fixture
def ml_down() -> Iterator[str]:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with override_settings(ML_URL=url):
        yield url


@pytest.fixture
def funded(student: Any) -> Any:
    from credits.services import grant_credits

    grant_credits(student, Decimal("10"), idempotency_key=f"test:{student.pk}")
    return student


@pytest.fixture
def balance() -> Any:
    """balance(user): the user's wallet, read from the ledger."""
    from credits.models import AccountKind
    from credits.services import user_account

    return lambda user: user_account(user, AccountKind.WALLET).balance


class FakeOpenAI(BaseHTTPRequestHandler):
    """Answers POST /v1/chat/completions with the JSON the test sets in ``answer``."""

    answer: str = "{}"
    status: int = 200
    requests: list[dict[str, Any]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeOpenAI.requests.append(
            {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
        )
        if FakeOpenAI.status != 200:
            payload: dict[str, Any] = {
                "error": {
                    "message": "The server had an error while processing your request.",
                    "type": "server_error",
                    "param": None,
                    "code": None,
                }
            }
        else:
            payload = {
                "id": "chatcmpl-AbC123",
                "object": "chat.completion",
                "created": 1_760_000_000,
                "model": body.get("model", "gpt-4o-mini-2024-07-18"),
                "choices": [
                    {
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": FakeOpenAI.answer,
                            "refusal": None,
                            "annotations": [],
                        },
                        "logprobs": None,
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": 182,
                    "completion_tokens": 64,
                    "total_tokens": 246,
                    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                    "completion_tokens_details": {
                        "reasoning_tokens": 0,
                        "audio_tokens": 0,
                        "accepted_prediction_tokens": 0,
                        "rejected_prediction_tokens": 0,
                    },
                },
                "service_tier": "default",
                "system_fingerprint": "fp_0123456789",
            }
        data = json.dumps(payload).encode()
        self.send_response(FakeOpenAI.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-request-id", "req_fake")
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def openai_server() -> Iterator[type[FakeOpenAI]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeOpenAI.requests = []
    FakeOpenAI.status = 200
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    with override_settings(
        AI_LLM_BASE_URL=url, AI_LLM_API_KEY="sk-test", AI_LLM_MODEL="gpt-4o-mini"
    ):
        yield FakeOpenAI
    server.shutdown()
