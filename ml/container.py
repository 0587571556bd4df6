"""The engines of one service process, built from settings (models themselves load lazily)."""

from __future__ import annotations

from dataclasses import dataclass

from ml.concurrency import AsyncLimiter, EngineGate
from ml.engines.grammar import HarperChecker
from ml.engines.langid import LanguageIdentifier
from ml.engines.llm import LLMClient
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
    grammar: HarperChecker
    llm: LLMClient | None
    llm_limiter: AsyncLimiter
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
            grammar=HarperChecker(),
            llm=LLMClient(settings) if settings.llm_configured else None,
            llm_limiter=AsyncLimiter("llm", settings.llm_limits),
            gates={
                "stt": EngineGate("stt", settings.stt_limits),
                "tts": EngineGate("tts", settings.tts_limits),
                "mt": EngineGate("mt", settings.mt_limits),
                "text": EngineGate("text", settings.text_limits),
            },
        )

    async def aclose(self) -> None:
        if self.llm is not None:
            await self.llm.aclose()
        self.mt.close()
        for gate in self.gates.values():
            gate.shutdown()
