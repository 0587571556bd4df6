"""The FastAPI application: ``uvicorn ml.main:app --host 127.0.0.1 --port 8001``."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing is ever fetched from a model hub

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from starlette.requests import Request
from starlette.responses import Response

from ml.api import assessments, audio, chat, health, models, translate
from ml.container import Engines
from ml.errors import install_error_handlers
from ml.observability import RequestMiddleware, configure_logging, metrics_response
from ml.security import BodySizeLimit, metrics_allowed, require_api_key
from ml.settings import Settings, get_settings


def metrics(request: Request) -> Response:
    if not metrics_allowed(request):
        return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
    return metrics_response(request)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Everything imported so far lives as long as the process: keep it out of the garbage
        # collector's full passes, which would otherwise walk it each time (tens of ms).
        gc.freeze()
        yield
        await app.state.engines.aclose()

    app = FastAPI(
        title="Toto ML service",
        version="1.0.0",
        description=(
            "Speech, translation and language models behind standard protocols: "
            "OpenAI-compatible /v1, LibreTranslate-compatible /translate, and Toto's "
            "pronunciation assessment and grammar checking."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engines = Engines.build(settings)
    install_error_handlers(app)
    # Multipart framing adds a little to the audio itself: allow 1 MB on top of the limit.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_audio_bytes + 1024 * 1024)
    app.add_middleware(RequestMiddleware)

    app.include_router(health.router)
    app.add_route("/metrics", metrics, include_in_schema=False)
    protected = [Depends(require_api_key)]
    for router in (
        audio.router,
        chat.router,
        models.router,
        assessments.router,
        translate.router,
    ):
        app.include_router(router, dependencies=protected)
    return app


app = create_app()
