"""Voice tutor fixtures: an avatar, a guided practice context (`practice`: not `context`, which is
Playwright's browser-context fixture), a funded learner, and a fake
OpenAI-compatible server on loopback that streams real SSE chat-completion chunks."""

import json
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import override_settings

from credits.testing import premium_plan  # noqa: F401

AIRPORT_STEPS = [
    {
        "tutor_lines": ["Good morning! Can I see your passport, please?"],
        "expected_keywords": ["passport", "here"],
        "expected_patterns": [],
        "accept_any": False,
        "acknowledgement": "Thank you.",
        "reask": "Sorry, I need your passport. Can you give it to me?",
        "hint": "Hand over your passport and say so.",
        "suggested_responses": ["Here is my passport."],
    },
    {
        "tutor_lines": ["Where are you flying to today?"],
        "expected_keywords": ["london", "paris", "madrid", "to, going", "flying"],
        "expected_patterns": [r"\bto [a-z]+"],
        "accept_any": False,
        "acknowledgement": "",
        "reask": "Which city are you flying to?",
        "hint": "Say the city of your destination.",
        "suggested_responses": ["I'm flying to London."],
    },
    {
        "tutor_lines": ["Would you like a window seat or an aisle seat?"],
        "expected_keywords": ["window", "aisle"],
        "expected_patterns": [],
        "accept_any": False,
        "acknowledgement": "",
        "reask": "Window or aisle?",
        "hint": "Choose a window seat or an aisle seat.",
        "suggested_responses": ["A window seat, please."],
    },
]


@pytest.fixture
def avatar(db: None) -> Any:
    from voice_tutor.models import VoiceAvatar

    return VoiceAvatar.objects.create(
        name="Maya", language="en", accent="en-US", gender="female", tts_voice="espeak:en-us+f3"
    )


@pytest.fixture
def make_context(db: None) -> Callable[..., Any]:
    from voice_tutor.models import PracticeContext

    def make(**fields: Any) -> Any:
        values: dict[str, Any] = {
            "title": "At the airport",
            "slug": "airport",
            "language": "en",
            "category": "travel",
            "difficulty": "beginner",
            "scenario": "You are a check-in agent at the airport.",
            "goal": "check in for a flight and choose a seat",
            "vocabulary": "passport\nboarding pass\nwindow seat\naisle seat\nluggage",
            "suggested_responses": "Here is my passport.\nA window seat, please.",
            "closing": "Have a good flight, {name}!",
            "script": [("step", step) for step in AIRPORT_STEPS],
        }
        values.update(fields)
        practice = PracticeContext(**values)
        practice.full_clean()
        practice.save()
        return practice

    return make


@pytest.fixture
def practice(make_context: Callable[..., Any]) -> Any:
    return make_context()


@pytest.fixture
def learner(student: Any) -> Any:
    """Sam, with 30 credits in the wallet (the free plan's allowance comes on top)."""
    from credits.services import grant_credits

    grant_credits(student, Decimal("30"), idempotency_key=f"test:{student.pk}")
    return student


@pytest.fixture
def guided() -> Iterator[None]:
    with override_settings(VOICE_TUTOR_ENGINE="guided"):
        yield


class FakeStreamingOpenAI(BaseHTTPRequestHandler):
    """POST /v1/chat/completions with ``stream: true`` answered as OpenAI does: SSE
    ``data: {chunk}`` lines (role first, then content deltas, a finish chunk, a usage chunk
    when asked for) and ``data: [DONE]``. ``deltas`` are what the test wants streamed."""

    deltas: list[str] = ["Hello! ", "I'm Maya."]
    status: int = 200
    first_token_delay: float = 0.0
    chunk_delay: float = 0.0
    requests: list[dict[str, Any]] = []

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:  # /v1/models
        data = json.dumps({"object": "list", "data": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _chunk(self, body: dict[str, Any], delta: dict[str, Any], finish: str | None) -> bytes:
        chunk = {
            "id": "chatcmpl-Tut0r",
            "object": "chat.completion.chunk",
            "created": 1_760_000_000,
            "model": body.get("model", "gpt-4o-mini-2024-07-18"),
            "system_fingerprint": "fp_0123456789",
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }
        return f"data: {json.dumps(chunk)}\n\n".encode()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeStreamingOpenAI.requests.append({"path": self.path, "body": body})
        if FakeStreamingOpenAI.status != 200:
            data = json.dumps(
                {"error": {"message": "overloaded", "type": "server_error", "code": None}}
            ).encode()
            self.send_response(FakeStreamingOpenAI.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        assert body.get("stream") is True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        self.wfile.write(self._chunk(body, {"role": "assistant", "content": ""}, None))
        self.wfile.flush()
        time.sleep(FakeStreamingOpenAI.first_token_delay)
        for delta in FakeStreamingOpenAI.deltas:
            self.wfile.write(self._chunk(body, {"content": delta}, None))
            self.wfile.flush()
            time.sleep(FakeStreamingOpenAI.chunk_delay)
        self.wfile.write(self._chunk(body, {}, "stop"))
        if (body.get("stream_options") or {}).get("include_usage"):
            usage = {
                "id": "chatcmpl-Tut0r",
                "object": "chat.completion.chunk",
                "created": 1_760_000_000,
                "model": body.get("model", "gpt-4o-mini-2024-07-18"),
                "choices": [],
                "usage": {"prompt_tokens": 321, "completion_tokens": 17, "total_tokens": 338},
            }
            self.wfile.write(f"data: {json.dumps(usage)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()


@pytest.fixture
def llm_server() -> Iterator[type[FakeStreamingOpenAI]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeStreamingOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeStreamingOpenAI.requests = []
    FakeStreamingOpenAI.status = 200
    FakeStreamingOpenAI.deltas = ["Hello! ", "I'm Maya."]
    FakeStreamingOpenAI.first_token_delay = 0.0
    FakeStreamingOpenAI.chunk_delay = 0.0
    url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    with override_settings(
        AI_LLM_BASE_URL=url,
        AI_LLM_API_KEY="sk-test",
        AI_LLM_MODEL="gpt-4o-mini",
        VOICE_TUTOR_ENGINE="auto",
    ):
        yield FakeStreamingOpenAI
    server.shutdown()


@pytest.fixture
def airport_steps() -> list[dict[str, Any]]:
    return [dict(step) for step in AIRPORT_STEPS]
