"""Fixtures for the ML service tests: one app (and its loaded models) per session, speech made
with espeak-ng, a tiny argos package built offline, and a fake OpenAI-compatible LLM server."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from fastapi.testclient import TestClient
from ml_fakes import FakeLLM
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


@pytest.fixture(scope="session")
def tiny_argos_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_package(tmp_path_factory.mktemp("argos-build"))


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
