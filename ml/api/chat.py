"""``POST /v1/chat/completions``: a proxy to the configured OpenAI-compatible server."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask

from ml.api.deps import get_engines
from ml.container import Engines
from ml.engines.llm import not_configured
from ml.errors import bad_request

router = APIRouter(prefix="/v1", tags=["chat"])


def _upstream_json(response_body: bytes, status: int) -> Response:
    return Response(response_body, status_code=status, media_type="application/json")


@router.post("/chat/completions", response_model=None)
async def chat_completions(
    engines: Annotated[Engines, Depends(get_engines)],
    body: Annotated[dict[str, Any], Body(description="An OpenAI chat completion request.")],
) -> Response:
    """Relayed as-is (``stream: true`` as server-sent events); 503 when no LLM is configured."""
    if engines.llm is None:
        raise not_configured()
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise bad_request("'messages' must be a non-empty list.", param="messages")
    size = sum(len(str(m.get("content", ""))) for m in messages if isinstance(m, dict))
    if size > engines.settings.max_text_chars * 5:
        raise bad_request("The conversation is too long.", code="text_too_long", param="messages")
    limiter = engines.llm_limiter
    limiter.admit()
    await limiter.acquire()
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            released = True
            limiter.release()

    if not body.get("stream"):
        try:
            response = await engines.llm.complete(body)
        finally:
            release()
        return _upstream_json(response.content, response.status_code)
    try:
        upstream = await engines.llm.open_stream(body)
        if upstream.status_code != 200:
            content = await upstream.aread()
            await upstream.aclose()
            return _upstream_json(content, upstream.status_code)
        stream = StreamingResponse(
            engines.llm.relay(upstream),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
            background=BackgroundTask(release),
        )
    except BaseException:
        release()
        raise
    return stream
