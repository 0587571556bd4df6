"""The engines of one service process, built from settings (models themselves load lazily)."""

from __future__ import annotations

from dataclasses import dataclass

from ml.concurrency import EngineGate
from ml.engines.langid import LanguageIdentifier
from ml.engines.mt import TranslationService, build_translation_service
from ml.engines.stt import WhisperEngine
from ml.engines.tts import EspeakEngine, PiperEngine, SpeechSynthesizer
from ml.settings import Settings


@dataclass
class Engines:
    settings: Settings
    stt: WhisperEngine
    piper: PiperEngine
    tts: SpeechSynthesizer
    mt: TranslationService
    langid: LanguageIdentifier
    gates: dict[str, EngineGate]

    @classmethod
    def build(cls, settings: Settings) -> Engines:
        piper = PiperEngine(settings)
        return cls(
            settings=settings,
            stt=WhisperEngine(settings),
            piper=piper,
            tts=SpeechSynthesizer(settings, [piper, EspeakEngine(settings)]),
            mt=build_translation_service(settings),
            langid=LanguageIdentifier(settings.cache_dir),
            gates={
                "stt": EngineGate("stt", settings.stt_limits),
                "tts": EngineGate("tts", settings.tts_limits),
                "mt": EngineGate("mt", settings.mt_limits),
                "text": EngineGate("text", settings.text_limits),
            },
        )

    def close(self) -> None:
        self.mt.close()
        for gate in self.gates.values():
            gate.shutdown()
