"""Fakes shared by the ML service tests: WAV encoding and a fake OpenAI-compatible server
speaking OpenAI's real JSON and SSE formats. A plain module (not the conftest) so that test
modules import it by a name no other test folder uses."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any

import numpy as np


def wav_bytes(samples: np.ndarray, rate: int = 16_000) -> bytes:
    from ml.audio import encode

    return encode(samples.astype(np.float32), rate, "wav")


# ---- a fake OpenAI-compatible server, speaking OpenAI's real JSON and SSE formats -------

COMPLETION = {
    "id": "chatcmpl-abc123",
    "object": "chat.completion",
    "created": 1_730_000_000,
    "model": "fake-llm",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Hola! ¿Qué tal?", "refusal": None},
            "logprobs": None,
            "finish_reason": "stop",
        }
    ],
    "usage": {"prompt_tokens": 9, "completion_tokens": 5, "total_tokens": 14},
}


def _chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-abc123",
        "object": "chat.completion.chunk",
        "created": 1_730_000_000,
        "model": "fake-llm",
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }


STREAM_CHUNKS = [
    _chunk({"role": "assistant", "content": ""}),
    _chunk({"content": "Hola"}),
    _chunk({"content": "!"}),
    _chunk({}, "stop"),
]


class FakeLLM(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeLLM.requests.append({"body": body, "auth": self.headers.get("Authorization")})
        if self.path != "/v1/chat/completions":
            self.send_error(404)
            return
        if body.get("model") == "missing-model":
            error = {
                "error": {
                    "message": "The model `missing-model` does not exist.",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": "model_not_found",
                }
            }
            self._json(404, error)
            return
        last = body["messages"][-1]["content"]
        if last.startswith("Language:"):  # the grammar correction prompt
            fixed = dict(COMPLETION, choices=[dict(COMPLETION["choices"][0])])
            fixed["choices"][0]["message"] = {"role": "assistant", "content": "Yo tengo un perro."}
            self._json(200, fixed)
            return
        if not body.get("stream"):
            self._json(200, COMPLETION)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for chunk in STREAM_CHUNKS:
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.flush()
        self.wfile.write(b"data: [DONE]\n\n")

    def _json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


# ---- the real service on a loopback port (for real WebSocket clients) -------------------


def serve(app: Any) -> Any:
    """Run ``app`` with uvicorn on a free loopback port in a thread; a context manager that
    yields the base URL (``http://127.0.0.1:PORT``) and stops the server on exit."""
    import contextlib
    import socket
    import threading
    import time

    import httpx
    import uvicorn

    @contextlib.contextmanager
    def running() -> Any:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        )
        thread = threading.Thread(target=server.run, name="ml-test-server", daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        else:
            raise RuntimeError("the ML service did not start")
        try:
            yield url
        finally:
            server.should_exit = True
            thread.join(timeout=10)

    return running()
