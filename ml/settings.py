"""Service configuration, read once from environment variables (all prefixed ``ML_``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _env_int(name: str, default: int) -> int:
    raw = _env(name)
    return int(raw) if raw else default


def _env_float(name: str, default: float) -> float:
    raw = _env(name)
    return float(raw) if raw else default


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name).lower()
    if not raw:
        return default
    return raw in {"1", "true", "yes", "on"}


def _env_mapping(name: str) -> dict[str, str]:
    """Parse ``name=value,name=value`` (used for extra model folders and voices)."""
    result: dict[str, str] = {}
    for item in _env(name).split(","):
        if "=" in item:
            key, value = item.split("=", 1)
            result[key.strip()] = value.strip()
    return result


@dataclass(frozen=True)
class EngineLimits:
    """Bounded concurrency for one engine: ``concurrency`` jobs run, ``queue`` more wait."""

    concurrency: int
    queue: int
    timeout_seconds: float


@dataclass(frozen=True)
class Settings:
    api_key: str = ""
    # Prometheus scrapes /metrics with this Bearer token, or with the API key: whenever either
    # is set, /metrics is closed to everyone else.
    metrics_token: str = ""
    cache_dir: Path = Path.home() / ".cache" / "toto-ml"
    log_level: str = "INFO"
    log_json: bool = True

    # Speech to text (faster-whisper / CTranslate2 Whisper folders).
    whisper_models: dict[str, str] = field(default_factory=dict)
    stt_english_model: str = "tiny.en"
    stt_multilingual_model: str = "base"
    whisper_device: str = "cpu"
    whisper_compute_type: str = "int8"
    whisper_threads: int = 2
    whisper_beam_size: int = 1

    # Text to speech.
    piper_voices: dict[str, str] = field(default_factory=dict)
    tts_default_voice: str = "en_US-joe-medium"
    espeak_binary: str = "espeak-ng"

    # Machine translation and language id.
    argos_packages_dir: str = ""
    apertium_modes_dir: Path = Path("/usr/share/apertium/modes")
    libretranslate_url: str = ""
    libretranslate_api_key: str = ""

    # Conversational LLM (any OpenAI-compatible server).
    llm_base_url: str = ""
    llm_api_key: str = ""
    llm_model: str = ""
    llm_timeout_seconds: float = 120.0

    # Input limits.
    max_audio_bytes: int = 25 * 1024 * 1024
    max_audio_seconds: float = 600.0
    max_assessment_seconds: float = 60.0
    max_text_chars: int = 20_000
    max_speech_chars: int = 4096
    max_batch: int = 128

    # Bounded concurrency per engine kind.
    stt_limits: EngineLimits = EngineLimits(1, 8, 300.0)
    tts_limits: EngineLimits = EngineLimits(1, 8, 120.0)
    mt_limits: EngineLimits = EngineLimits(2, 16, 60.0)
    text_limits: EngineLimits = EngineLimits(2, 32, 30.0)
    llm_limits: EngineLimits = EngineLimits(8, 32, 120.0)

    @property
    def llm_configured(self) -> bool:
        return bool(self.llm_base_url)

    @classmethod
    def from_env(cls) -> Settings:
        def limits(kind: str, default: EngineLimits) -> EngineLimits:
            return EngineLimits(
                concurrency=max(1, _env_int(f"ML_{kind}_CONCURRENCY", default.concurrency)),
                queue=max(0, _env_int(f"ML_{kind}_QUEUE", default.queue)),
                timeout_seconds=_env_float(f"ML_{kind}_TIMEOUT", default.timeout_seconds),
            )

        base = cls()
        return cls(
            api_key=_env("ML_API_KEY"),
            metrics_token=_env("ML_METRICS_TOKEN"),
            cache_dir=Path(_env("ML_CACHE_DIR") or base.cache_dir),
            log_level=_env("ML_LOG_LEVEL", base.log_level).upper(),
            log_json=_env_bool("ML_LOG_JSON", base.log_json),
            whisper_models=_env_mapping("ML_WHISPER_MODELS"),
            stt_english_model=_env("ML_STT_ENGLISH_MODEL", base.stt_english_model),
            stt_multilingual_model=_env("ML_STT_MULTILINGUAL_MODEL", base.stt_multilingual_model),
            whisper_device=_env("ML_WHISPER_DEVICE", base.whisper_device),
            whisper_compute_type=_env("ML_WHISPER_COMPUTE_TYPE", base.whisper_compute_type),
            whisper_threads=_env_int("ML_WHISPER_THREADS", base.whisper_threads),
            whisper_beam_size=_env_int("ML_WHISPER_BEAM_SIZE", base.whisper_beam_size),
            piper_voices=_env_mapping("ML_PIPER_VOICES"),
            tts_default_voice=_env("ML_TTS_DEFAULT_VOICE", base.tts_default_voice),
            espeak_binary=_env("ML_ESPEAK_BINARY", base.espeak_binary),
            argos_packages_dir=_env("ML_ARGOS_PACKAGES_DIR"),
            apertium_modes_dir=Path(_env("ML_APERTIUM_MODES_DIR") or base.apertium_modes_dir),
            libretranslate_url=_env("ML_LIBRETRANSLATE_URL").rstrip("/"),
            libretranslate_api_key=_env("ML_LIBRETRANSLATE_API_KEY"),
            llm_base_url=_env("ML_LLM_BASE_URL").rstrip("/"),
            llm_api_key=_env("ML_LLM_API_KEY"),
            llm_model=_env("ML_LLM_MODEL"),
            llm_timeout_seconds=_env_float("ML_LLM_TIMEOUT", base.llm_timeout_seconds),
            max_audio_bytes=_env_int("ML_MAX_AUDIO_BYTES", base.max_audio_bytes),
            max_audio_seconds=_env_float("ML_MAX_AUDIO_SECONDS", base.max_audio_seconds),
            max_assessment_seconds=_env_float(
                "ML_MAX_ASSESSMENT_SECONDS", base.max_assessment_seconds
            ),
            max_text_chars=_env_int("ML_MAX_TEXT_CHARS", base.max_text_chars),
            max_speech_chars=_env_int("ML_MAX_SPEECH_CHARS", base.max_speech_chars),
            max_batch=_env_int("ML_MAX_BATCH", base.max_batch),
            stt_limits=limits("STT", base.stt_limits),
            tts_limits=limits("TTS", base.tts_limits),
            mt_limits=limits("MT", base.mt_limits),
            text_limits=limits("TEXT", base.text_limits),
            llm_limits=limits("LLM", base.llm_limits),
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()
