"""Fixtures for the ML service tests: one app (and its loaded models) per session, speech made
with espeak-ng, a tiny argos package built offline, and a fake OpenAI-compatible LLM server."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from fastapi.testclient import TestClient
from tiny_argos import build_package

from ml.main import create_app
from ml.settings import Settings


@pytest.fixture(scope="session")
def ml_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        cache_dir=tmp_path_factory.mktemp("ml-cache"),
        argos_packages_dir=str(tmp_path_factory.mktemp("argos-packages")),
        log_json=True,
        log_level="WARNING",
        max_audio_seconds=600.0,
    )


@pytest.fixture(scope="session")
def ml_client(ml_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(ml_settings)) as client:
        yield client


@pytest.fixture(scope="session")
def espeak_wav(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., bytes]:
    folder = tmp_path_factory.mktemp("speech")

    def make(text: str, voice: str = "en-us", speed: int = 140) -> bytes:
        out = folder / f"{abs(hash((text, voice, speed)))}.wav"
        if not out.exists():
            subprocess.run(
                ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(out), text], check=True
            )
        return out.read_bytes()

    return make


def wav_bytes(samples: np.ndarray, rate: int = 16_000) -> bytes:
    from ml.audio import encode

    return encode(samples.astype(np.float32), rate, "wav")


@pytest.fixture(scope="session")
def tiny_argos_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_package(tmp_path_factory.mktemp("argos-build"))


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


@pytest.fixture(scope="session")
def fake_llm_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeLLM)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


@pytest.fixture(scope="session")
def llm_client(ml_settings: Settings, fake_llm_url: str) -> Iterator[TestClient]:
    settings = replace(
        ml_settings, llm_base_url=fake_llm_url, llm_api_key="sk-test", llm_model="fake-llm"
    )
    with TestClient(create_app(settings)) as client:
        yield client
