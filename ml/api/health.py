"""Liveness and readiness: cheap, never load a model."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from ml.api.deps import get_engines
from ml.container import Engines

router = APIRouter(tags=["health"])


@router.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready")
async def ready(engines: Annotated[Engines, Depends(get_engines)]) -> JSONResponse:
    """Ready when a speech model, a voice and a translation or language-id path exist."""
    stt_models = engines.stt.models()
    voices = engines.tts.voices()
    checks = {
        "stt": bool(stt_models),
        "tts": bool(voices),
        "langid": True,
        "cache_dir_writable": _writable(engines.settings.cache_dir),
    }
    body = {
        "status": "ready" if all(checks.values()) else "not_ready",
        "checks": checks,
        "loaded": {
            "stt": engines.stt.loaded_models(),
            "tts": engines.piper.loaded_voices(),
        },
        "llm_configured": engines.settings.llm_configured,
    }
    return JSONResponse(body, status_code=200 if all(checks.values()) else 503)


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return path.is_dir()
