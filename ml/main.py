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

from ml.api import assessments, audio, chat, health, models, realtime, translate
from ml.container import Engines
from ml.errors import install_error_handlers
from ml.observability import RequestMiddleware, configure_logging, metrics_response
from ml.security import BodySizeLimit, metrics_allowed, require_api_key
from ml.settings import Settings, get_settings

REALTIME_DESCRIPTION = """\
**Streaming speech: `WS /v1/realtime/transcription`** (not listed below: OpenAPI has no
WebSockets). Events modelled on OpenAI's realtime transcription. Authenticate with
`Authorization: Bearer <key>` or `?key=<key>`; without it the socket closes with 4401.

Client → server: `transcription_session.update` `{session: {language, silence_duration_ms
(200-5000, default 1200), min_speech_ms (32-2000, default 250), sample_rate (16000)}}`;
binary frames of 16-bit little-endian mono PCM at 16 kHz (at most 32 KB each) or
`input_audio_buffer.append` `{audio: base64}`; `input_audio_buffer.commit` (end the turn now);
`input_audio_buffer.clear` (drop buffered audio).

Server → client: `transcription_session.created` / `.updated` `{session}`;
`input_audio_buffer.speech_started` `{audio_start_ms}`; `input_audio_buffer.speech_stopped`
`{audio_end_ms}`; `input_audio_buffer.committed`; `input_audio_buffer.cleared`;
`conversation.item.input_audio_transcription.completed` `{transcript, language, duration,
words: [{word, start, end, probability}], pauses: [{start, end}], speech_ms, audio_start_ms,
audio_end_ms, end_reason}`; `conversation.item.input_audio_transcription.ignored` `{reason,
transcript}` (hesitation sounds only: the server keeps listening); `error` `{error: {type,
code, message}}` (the socket stays open).

Turns: Silero VAD judges every 32 ms window; speech starts after `min_speech_ms` of voice and
the turn ends after `silence_duration_ms` of silence (a shorter pause stays inside the turn and
is reported in `pauses`), on `commit`, or at 60 s. Each turn is transcribed with the Whisper
model for the language (tiny.en for English, multilingual base otherwise). Sessions last at
most 30 minutes.
"""


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
            "pronunciation assessment and grammar checking.\n\n" + REALTIME_DESCRIPTION
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
    # The socket checks the key itself (header or ?key=) and closes with 4401 without it.
    app.include_router(realtime.router)
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
