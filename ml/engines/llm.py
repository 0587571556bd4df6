"""Any OpenAI-compatible chat server (OpenAI, vLLM, Ollama, llama.cpp server) by base URL."""

from __future__ import annotations

import difflib
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx

from ml.engines.grammar import Edit
from ml.errors import ServiceError, unavailable
from ml.settings import Settings

NOT_CONFIGURED = (
    "No LLM is configured for this service: set ML_LLM_BASE_URL (and ML_LLM_API_KEY, "
    "ML_LLM_MODEL) to an OpenAI-compatible server. Offline features keep working."
)


def not_configured() -> ServiceError:
    return unavailable(NOT_CONFIGURED, code="llm_not_configured")


class LLMClient:
    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None):
        headers = (
            {"Authorization": f"Bearer {settings.llm_api_key}"} if settings.llm_api_key else {}
        )
        self.model = settings.llm_model
        self._client = httpx.AsyncClient(
            base_url=settings.llm_base_url,
            headers=headers,
            timeout=httpx.Timeout(settings.llm_timeout_seconds, connect=10.0),
            transport=transport,
        )

    def _body(self, body: dict[str, Any]) -> dict[str, Any]:
        if self.model and body.get("model") in (None, "", "default"):
            return {**body, "model": self.model}
        return body

    @staticmethod
    def _upstream_down(error: Exception) -> ServiceError:
        return unavailable(f"The LLM server is unreachable: {error}", code="llm_unavailable")

    async def complete(self, body: dict[str, Any]) -> httpx.Response:
        try:
            return await self._client.post("/chat/completions", json=self._body(body))
        except httpx.HTTPError as error:
            raise self._upstream_down(error) from None

    async def open_stream(self, body: dict[str, Any]) -> httpx.Response:
        request = self._client.build_request("POST", "/chat/completions", json=self._body(body))
        try:
            return await self._client.send(request, stream=True)
        except httpx.HTTPError as error:
            raise self._upstream_down(error) from None

    @staticmethod
    async def relay(response: httpx.Response) -> AsyncIterator[bytes]:
        try:
            async for chunk in response.aiter_raw():
                yield chunk
        finally:
            await response.aclose()

    async def correct(self, text: str, language: str) -> str:
        body = {
            "messages": [
                {
                    "role": "system",
                    "content": "You correct grammar and spelling. Reply with the corrected "
                    "text only, changing as little as possible.",
                },
                {"role": "user", "content": f"Language: {language}\nText: {text}"},
            ],
            "temperature": 0,
        }
        response = await self.complete(body)
        if response.status_code != 200:
            raise ServiceError(
                502, "The LLM server failed.", code="upstream_error", error_type="server_error"
            )
        return str(response.json()["choices"][0]["message"]["content"]).strip()

    async def aclose(self) -> None:
        await self._client.aclose()


_TOKEN = re.compile(r"\S+")


def diff_edits(original: str, corrected: str) -> list[Edit]:
    """Word-level edits that turn ``original`` into ``corrected`` (offsets in code points)."""
    source = list(_TOKEN.finditer(original))
    target = [m.group() for m in _TOKEN.finditer(corrected)]
    matcher = difflib.SequenceMatcher(a=[m.group() for m in source], b=target, autojunk=False)
    edits: list[Edit] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        if a0 < a1:
            start, end = source[a0].start(), source[a1 - 1].end()
        else:
            start = end = source[a0].start() if a0 < len(source) else len(original)
        replacement = " ".join(target[b0:b1])
        if a0 == a1:
            replacement += " "
        edits.append(
            Edit(
                offset=start,
                length=end - start,
                original=original[start:end],
                replacement=replacement,
                message="Suggested by the language model.",
                category="LLM",
                rule="LLM",
            )
        )
    return edits
