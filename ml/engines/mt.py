"""Machine translation: one interface, backends in order of preference.

argostranslate (installed argos packages) → apertium (Debian pairs) → remote LibreTranslate.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import httpx

from ml.engines.apertium import ApertiumPipe, discover_pairs
from ml.engines.argos import ArgosTranslator
from ml.errors import ServiceError, bad_request
from ml.settings import Settings

logger = logging.getLogger("ml.mt")

Pair = tuple[str, str]


class Translator(Protocol):
    name: str

    def pairs(self) -> set[Pair]: ...

    def translate(self, texts: list[str], source: str, target: str, *, html: bool) -> list[str]:
        """Translate each text; with ``html`` only the text between tags is translated."""
        ...


_TAG = re.compile(r"(<[^>]*>)")


def translate_html_by_nodes(translate: Callable[[list[str]], list[str]], html: str) -> str:
    """Translate the text nodes of an HTML fragment; tags and surrounding whitespace stay."""
    parts = _TAG.split(html)
    indexes = [i for i, part in enumerate(parts) if i % 2 == 0 and part.strip()]
    translated = translate([parts[i].strip() for i in indexes])
    for i, text in zip(indexes, translated, strict=True):
        part = parts[i]
        lead = part[: len(part) - len(part.lstrip())]
        trail = part[len(part.rstrip()) :]
        parts[i] = f"{lead}{text}{trail}"
    return "".join(parts)


class ArgosBackend:
    name = "argostranslate"

    def __init__(self, settings: Settings) -> None:
        self.engine = ArgosTranslator(settings.argos_packages_dir, settings.cache_dir)

    def pairs(self) -> set[Pair]:
        try:
            return self.engine.pairs()
        except Exception:  # a broken package must not take translation down
            logger.exception("argostranslate packages could not be listed")
            return set()

    def translate(self, texts: list[str], source: str, target: str, *, html: bool) -> list[str]:
        if html:
            return [
                translate_html_by_nodes(lambda t: self.engine.translate(t, source, target), text)
                for text in texts
            ]
        return self.engine.translate(texts, source, target)


class ApertiumBackend:
    name = "apertium"

    def __init__(self, settings: Settings) -> None:
        self._modes = discover_pairs(settings.apertium_modes_dir)
        self._pipes: dict[Pair, ApertiumPipe] = {}
        self._lock = threading.Lock()

    def pairs(self) -> set[Pair]:
        return set(self._modes)

    def _pipe(self, pair: Pair) -> ApertiumPipe:
        with self._lock:
            if pair not in self._pipes:
                self._pipes[pair] = ApertiumPipe(self._modes[pair])
            return self._pipes[pair]

    def translate(self, texts: list[str], source: str, target: str, *, html: bool) -> list[str]:
        pipe = self._pipe((source, target))
        # Blank texts stay as they are; the rest go through the pipe as one batch.
        todo = [i for i, text in enumerate(texts) if text.strip()]
        done = pipe.translate_many([texts[i] for i in todo], html=html)
        translated = list(texts)
        for i, text in zip(todo, done, strict=True):
            translated[i] = text
        return translated

    def close(self) -> None:
        with self._lock:
            for pipe in self._pipes.values():
                pipe.close()
            self._pipes.clear()


class RemoteLibreTranslate:
    name = "libretranslate"
    _LANGUAGES_TTL = 300.0

    def __init__(self, settings: Settings) -> None:
        self.url = settings.libretranslate_url
        self.api_key = settings.libretranslate_api_key
        self._client = httpx.Client(base_url=self.url, timeout=settings.mt_limits.timeout_seconds)
        self._pairs: set[Pair] = set()
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def pairs(self) -> set[Pair]:
        with self._lock:
            if time.monotonic() - self._fetched_at > self._LANGUAGES_TTL:
                self._fetched_at = time.monotonic()
                try:
                    response = self._client.get("/languages")
                    response.raise_for_status()
                    self._pairs = {
                        (lang["code"], target)
                        for lang in response.json()
                        for target in lang.get("targets", [])
                        if target != lang["code"]
                    }
                except (httpx.HTTPError, ValueError, KeyError, TypeError):
                    logger.warning("remote LibreTranslate unavailable", extra={"url": self.url})
            return set(self._pairs)

    def translate(self, texts: list[str], source: str, target: str, *, html: bool) -> list[str]:
        body: dict[str, object] = {
            "q": texts,
            "source": source,
            "target": target,
            "format": "html" if html else "text",
        }
        if self.api_key:
            body["api_key"] = self.api_key
        try:
            response = self._client.post("/translate", json=body)
            response.raise_for_status()
            translated = response.json()["translatedText"]
        except (httpx.HTTPError, ValueError, KeyError) as error:
            raise ServiceError(
                502,
                f"The remote LibreTranslate server failed: {error}",
                code="upstream_error",
                error_type="server_error",
            ) from None
        return list(translated) if isinstance(translated, list) else [translated]


@dataclass(frozen=True)
class Route:
    """How a pair is translated: one backend, or two through a pivot language when no
    installed engine does the pair directly (en→fr as en→es→fr with apertium)."""

    hops: tuple[tuple[Translator, str, str], ...]

    @property
    def pivot(self) -> str | None:
        return self.hops[0][2] if len(self.hops) > 1 else None

    @property
    def engine(self) -> str:
        names = list(dict.fromkeys(backend.name for backend, _, _ in self.hops))
        return "+".join(names)


class TranslationService:
    def __init__(self, backends: list[Translator]) -> None:
        self.backends = backends

    def pairs(self) -> dict[Pair, str]:
        """Every pair an engine does directly, and the backend that serves it (earlier
        backends win)."""
        found: dict[Pair, str] = {}
        for backend in self.backends:
            for pair in backend.pairs():
                found.setdefault(pair, backend.name)
        return found

    def pivots(self) -> dict[Pair, str]:
        """Pairs no engine does directly but two can through one pivot language, and that
        pivot. English first, then alphabetical, so the choice is stable."""
        direct = self.pairs()
        onward: dict[str, set[str]] = {}
        for source, target in direct:
            onward.setdefault(source, set()).add(target)
        found: dict[Pair, str] = {}
        for source, middles in onward.items():
            for pivot in sorted(middles, key=lambda code: (code != "en", code)):
                for target in onward.get(pivot, set()):
                    pair = (source, target)
                    if target != source and pair not in direct and pair not in found:
                        found[pair] = pivot
        return found

    def supports(self, source: str, target: str) -> bool:
        return (
            source == target
            or (source, target) in self.pairs()
            or ((source, target) in self.pivots())
        )

    def _direct(self, source: str, target: str) -> Translator | None:
        for backend in self.backends:
            if (source, target) in backend.pairs():
                return backend
        return None

    def backend_for(self, source: str, target: str) -> Translator:
        backend = self._direct(source, target)
        if backend is None:
            raise self._unsupported(source, target)
        return backend

    def route(self, source: str, target: str) -> Route:
        backend = self._direct(source, target)
        if backend is not None:
            return Route(((backend, source, target),))
        pivot = self.pivots().get((source, target))
        if pivot is None:
            raise self._unsupported(source, target)
        return Route(
            (
                (self.backend_for(source, pivot), source, pivot),
                (self.backend_for(pivot, target), pivot, target),
            )
        )

    @staticmethod
    def _unsupported(source: str, target: str) -> ServiceError:
        return bad_request(
            f"Translation from {source!r} to {target!r} is not available; "
            "GET /languages lists the supported pairs.",
            code="unsupported_pair",
            param="target",
        )

    def translate(self, texts: list[str], source: str, target: str, fmt: str) -> list[str]:
        return self.translate_routed(texts, source, target, fmt)[0]

    def translate_routed(
        self, texts: list[str], source: str, target: str, fmt: str
    ) -> tuple[list[str], Route | None]:
        """The translations and the route that made them (None when nothing was to do)."""
        if source == target:
            return list(texts), None
        route = self.route(source, target)
        for backend, hop_source, hop_target in route.hops:
            texts = backend.translate(texts, hop_source, hop_target, html=fmt == "html")
        return texts, route

    def close(self) -> None:
        for backend in self.backends:
            if isinstance(backend, ApertiumBackend):
                backend.close()


def build_translation_service(settings: Settings) -> TranslationService:
    backends: list[Translator] = [ArgosBackend(settings), ApertiumBackend(settings)]
    if settings.libretranslate_url:
        backends.append(RemoteLibreTranslate(settings))
    return TranslationService(backends)


__all__ = ["Route", "TranslationService", "Translator", "build_translation_service"]
