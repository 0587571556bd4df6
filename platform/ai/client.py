"""The one way the platform talks to models.

* ``openai`` SDK clients: one for the ML service's OpenAI-compatible ``/v1`` (speech), and one
  for chat, which is the ML service too unless ``AI_LLM_BASE_URL`` points at OpenAI or another
  OpenAI-compatible server.
* A small LibreTranslate-compatible client (httpx) for ``/translate``, ``/detect``,
  ``/languages``, and the service's ``/v1/grammar/check``.

Every failure is mapped to a platform error: connection errors, timeouts and 5xx become
``AIUnavailable`` (503 ``ai_unavailable``); the service's 4xx answers become
``AIInputRejected`` with the service's status and code, so the learner sees why.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import httpx
from django.conf import settings
from django.core.cache import cache
from operations.configuration import value as config

from core.lazy import lazy_module

from .errors import AIInputRejected, AIUnavailable

if TYPE_CHECKING:
    import openai
else:
    openai = lazy_module("openai")

logger = logging.getLogger(__name__)

_PASSED_THROUGH = {400, 404, 409, 413, 415, 422}


@dataclass(frozen=True)
class Transcription:
    text: str
    language: str
    duration: float
    model: str


@dataclass(frozen=True)
class ChatResult:
    content: str
    model: str
    prompt_tokens: int | None
    completion_tokens: int | None


def _ml_url() -> str:
    return config("ML_URL").rstrip("/")


def _timeout() -> httpx.Timeout:
    return httpx.Timeout(settings.ML_TIMEOUT_SECONDS, connect=settings.AI_CONNECT_TIMEOUT_SECONDS)


@lru_cache(maxsize=8)
def _openai_client(base_url: str, api_key: str, timeout: float, connect: float) -> openai.OpenAI:
    # The SDK insists on a key; the ML service accepts any when it has none configured.
    return openai.OpenAI(
        base_url=base_url,
        api_key=api_key or "not-needed",
        timeout=openai.Timeout(timeout, connect=connect),
        max_retries=0,  # a retry doubles the learner's wait; the page offers "try again"
    )


@lru_cache(maxsize=8)
def _http_client(base_url: str, api_key: str, timeout: float, connect: float) -> httpx.Client:
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    return httpx.Client(
        base_url=base_url, headers=headers, timeout=httpx.Timeout(timeout, connect=connect)
    )


def speech_client() -> openai.OpenAI:
    return _openai_client(
        _ml_url() + "/v1",
        config("ML_API_KEY"),
        settings.ML_TIMEOUT_SECONDS,
        settings.AI_CONNECT_TIMEOUT_SECONDS,
    )


def llm_client() -> openai.OpenAI:
    if config("AI_LLM_BASE_URL"):
        return _openai_client(
            config("AI_LLM_BASE_URL").rstrip("/"),
            config("AI_LLM_API_KEY"),
            settings.AI_LLM_TIMEOUT_SECONDS,
            settings.AI_CONNECT_TIMEOUT_SECONDS,
        )
    return _openai_client(
        _ml_url() + "/v1",
        config("ML_API_KEY"),
        settings.AI_LLM_TIMEOUT_SECONDS,
        settings.AI_CONNECT_TIMEOUT_SECONDS,
    )


def _service() -> httpx.Client:
    return _http_client(
        _ml_url(),
        config("ML_API_KEY"),
        settings.ML_TIMEOUT_SECONDS,
        settings.AI_CONNECT_TIMEOUT_SECONDS,
    )


# --- error mapping ------------------------------------------------------------------------------


def _error_fields(body: Any) -> tuple[str, str | None]:
    """(message, code) from an OpenAI-shaped or a LibreTranslate-shaped error body."""
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict):
            return str(error.get("message") or "Rejected."), error.get("code")
        return str(error), None
    return "Rejected.", None


def _from_status(status: int, body: Any) -> Exception:
    message, code = _error_fields(body)
    if status in _PASSED_THROUGH:
        return AIInputRejected(
            message, code or "ai_input_rejected", 400 if status == 404 else status
        )
    logger.warning("ML service answered %s: %s", status, message)
    return AIUnavailable()


def _map_openai(exc: openai.OpenAIError) -> Exception:
    if isinstance(exc, openai.APIStatusError):
        try:
            body = exc.response.json()
        except ValueError:
            body = None
        return _from_status(exc.status_code, body)
    logger.warning("AI service unreachable: %s", exc)
    return AIUnavailable()


def _post_json(path: str, payload: dict[str, Any]) -> Any:
    try:
        response = _service().post(path, json=payload)
    except httpx.HTTPError as exc:
        logger.warning("ML service unreachable: %s", exc)
        raise AIUnavailable() from exc
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200:
        raise _from_status(response.status_code, body)
    if body is None:
        raise AIUnavailable()
    return body


# --- LibreTranslate-compatible and Toto-specific calls ------------------------------------------


def translate(texts: list[str], source: str, target: str, fmt: str = "text") -> dict[str, Any]:
    """LibreTranslate ``/translate`` with a batch of texts: ``translatedText`` is a list and,
    with ``source="auto"``, ``detectedLanguage`` a list of {language, confidence}. With
    ``fmt="html"`` only the text between tags is translated."""
    payload: dict[str, Any] = {"q": texts, "source": source, "target": target}
    if fmt != "text":
        payload["format"] = fmt
    return _post_json("/translate", payload)


def _chunks(texts: list[str], size: int, max_chars: int) -> Iterator[list[str]]:
    """Cut ``texts`` into requests the service accepts: at most ``size`` texts and
    ``max_chars`` characters each (a single longer text goes alone and the service says 413)."""
    chunk: list[str] = []
    chars = 0
    for text in texts:
        if chunk and (len(chunk) == size or chars + len(text) > max_chars):
            yield chunk
            chunk, chars = [], 0
        chunk.append(text)
        chars += len(text)
    if chunk:
        yield chunk


def translate_many(texts: list[str], source: str, target: str, fmt: str = "text") -> list[str]:
    """Translate any number of texts in order, for bulk work such as a page's strings.

    They go in the service's batch size (``ML_TRANSLATE_BATCH``) with up to
    ``ML_TRANSLATE_IN_FLIGHT`` requests at once, so that sending the next batch overlaps the
    engine's work on the current one. Any failed batch fails the whole call: the caller saves
    nothing rather than half a page.
    """
    chunks = list(_chunks(texts, settings.ML_TRANSLATE_BATCH, settings.ML_TRANSLATE_MAX_CHARS))

    def send(chunk: list[str]) -> list[str]:
        translated = translate(chunk, source, target, fmt)["translatedText"]
        if not isinstance(translated, list) or len(translated) != len(chunk):
            raise AIUnavailable()
        return [str(text) for text in translated]

    if len(chunks) <= 1:
        return [text for chunk in chunks for text in send(chunk)]
    with ThreadPoolExecutor(
        max_workers=settings.ML_TRANSLATE_IN_FLIGHT, thread_name_prefix="ml-translate"
    ) as pool:
        return [text for done in pool.map(send, chunks) for text in done]


def detect(text: str) -> list[dict[str, Any]]:
    return _post_json("/detect", {"q": text})


def languages() -> list[dict[str, Any]]:
    """Cached for five minutes: the installed pairs change only when the operator adds some."""
    cached = cache.get("ai:languages")
    if cached is not None:
        return cached
    try:
        response = _service().get("/languages")
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise AIUnavailable() from exc
    found = response.json()
    cache.set("ai:languages", found, 300)
    return found


def check_grammar(text: str, language: str) -> dict[str, Any]:
    return _post_json("/v1/grammar/check", {"text": text, "language": language})


def assess_pronunciation(
    audio: bytes, *, filename: str, content_type: str, expected_text: str, language: str
) -> dict[str, Any]:
    """The ML service's pronunciation and fluency assessment of a recording against the text
    it should say (ml/api/assessments.py). AIInputRejected when the recording can't be
    assessed (no speech, unreadable audio: retrying won't help); AIUnavailable otherwise."""
    try:
        response = _service().post(
            "/v1/assessments/pronunciation",
            files={"file": (filename, audio, content_type)},
            data={"expected_text": expected_text, "language": language},
        )
    except httpx.HTTPError as exc:
        logger.warning("ML service unreachable: %s", exc)
        raise AIUnavailable() from exc
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 200:
        raise _from_status(response.status_code, body)
    if not isinstance(body, dict):
        raise AIUnavailable()
    return body


# --- OpenAI-compatible calls --------------------------------------------------------------------


def transcribe(audio: bytes, filename: str, language: str | None = None) -> Transcription:
    kwargs: dict[str, Any] = {"language": language} if language else {}
    try:
        result = speech_client().audio.transcriptions.create(
            model="whisper-1",
            file=(filename, audio),
            response_format="verbose_json",
            timestamp_granularities=["segment"],
            **kwargs,
        )
    except openai.OpenAIError as exc:
        raise _map_openai(exc) from exc
    data = result.model_dump() if hasattr(result, "model_dump") else dict(result)
    return Transcription(
        text=str(data.get("text", "")).strip(),
        language=_language_code(str(data.get("language") or language or "")),
        duration=float(data.get("duration") or 0.0),
        model=str(data.get("model") or "whisper"),
    )


def synthesize(
    text: str, voice: str, response_format: str = "mp3", *, speed: float | None = None
) -> bytes:
    extra: dict[str, Any] = {} if speed is None else {"speed": speed}
    try:
        response = speech_client().audio.speech.create(
            model="tts-1",
            voice=voice,
            input=text,
            response_format=response_format,  # type: ignore[arg-type]
            **extra,
        )
    except openai.OpenAIError as exc:
        raise _map_openai(exc) from exc
    return response.read()


def chat(
    messages: list[dict[str, str]],
    *,
    model: str = "",
    temperature: float = 0.2,
    json_answer: bool = False,
) -> ChatResult:
    kwargs: dict[str, Any] = {}
    if json_answer:
        kwargs["response_format"] = {"type": "json_object"}
    try:
        completion = llm_client().chat.completions.create(
            model=model or config("AI_LLM_MODEL") or "default",
            messages=messages,  # type: ignore[arg-type]
            temperature=temperature,
            **kwargs,
        )
    except openai.OpenAIError as exc:
        raise _map_openai(exc) from exc
    usage = completion.usage
    return ChatResult(
        content=completion.choices[0].message.content or "" if completion.choices else "",
        model=completion.model,
        prompt_tokens=usage.prompt_tokens if usage else None,
        completion_tokens=usage.completion_tokens if usage else None,
    )


def llm_available() -> bool:
    """True when a conversational LLM answers somewhere: configured directly, or behind the ML
    service (which lists it in /v1/models). Cached for a minute."""
    if config("AI_LLM_BASE_URL"):
        return True
    cached = cache.get("ai:llm_available")
    if cached is not None:
        return bool(cached)
    try:
        models = speech_client().models.list()
        available = any(getattr(m, "kind", None) == "llm" for m in models.data)
    except openai.OpenAIError:
        available = False
    cache.set("ai:llm_available", available, 60)
    return available


_WHISPER_NAMES = {
    "english": "en", "spanish": "es", "french": "fr", "german": "de", "italian": "it",
    "portuguese": "pt", "dutch": "nl", "japanese": "ja", "chinese": "zh", "korean": "ko",
    "russian": "ru", "arabic": "ar", "hindi": "hi", "catalan": "ca",
}  # fmt: skip


def _language_code(name: str) -> str:
    """verbose_json names the language ("spanish") as OpenAI does; we store ISO codes."""
    lowered = name.lower()
    return _WHISPER_NAMES.get(lowered, lowered)
