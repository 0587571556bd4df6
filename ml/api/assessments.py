"""Toto-specific: pronunciation and fluency assessment, and grammar checking."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, UploadFile
from pydantic import BaseModel, Field

from ml import audio as audio_io
from ml.api.deps import check_text_length, get_engines, read_upload
from ml.container import Engines
from ml.engines import grammar
from ml.engines.llm import diff_edits
from ml.engines.pronunciation import Assessment, assess, normalize_words
from ml.errors import bad_request, unprocessable

router = APIRouter(prefix="/v1", tags=["assessment"])

LIMITATIONS = (
    "Scores come from speech-recognition confidence, not phoneme analysis; the recogniser may "
    "quietly correct plausible learner errors."
)


@router.post("/assessments/pronunciation")
async def pronunciation(
    engines: Annotated[Engines, Depends(get_engines)],
    file: Annotated[UploadFile, File(description="The learner's recording.")],
    expected_text: Annotated[str, Form(min_length=1)],
    language: Annotated[str, Form(min_length=2, max_length=16)] = "en",
    model: Annotated[str | None, Form()] = None,
) -> dict[str, Any]:
    """Per-word scores and overall pronunciation, accuracy, fluency (speech rate and pauses
    from voice activity detection) and completeness, each 0 to 100."""
    settings = engines.settings
    check_text_length(expected_text, 1000, "expected_text")
    if not normalize_words(expected_text):
        raise bad_request("expected_text contains no words.", param="expected_text")
    data = await read_upload(file, settings.max_audio_bytes)
    model_name = engines.stt.resolve_model(model, language)

    def work() -> Assessment:
        # Decoded on the engine's worker, not the event loop: a long upload takes a while.
        decoded = audio_io.decode(data, max_seconds=settings.max_assessment_seconds)
        spans = audio_io.require_speech(decoded)
        # Never pass the expected text as a prompt: Whisper would "hear" it in wrong readings.
        transcript = engines.stt.transcribe(
            decoded, model=model_name, language=language, word_timestamps=True
        )
        return assess(expected_text, transcript, spans)

    result = await engines.gates["stt"].run(work)
    return {
        "expected_text": expected_text,
        "recognized_text": result.recognized_text,
        "language": language,
        "model": model_name,
        "scores": {
            "pronunciation": result.pronunciation,
            "accuracy": result.accuracy,
            "fluency": result.fluency.score,
            "completeness": result.completeness,
        },
        "fluency": {
            "words_per_minute": result.fluency.words_per_minute,
            "speech_seconds": result.fluency.speech_seconds,
            "pause_count": result.fluency.pause_count,
            "long_pauses": [{"start": s, "end": e} for s, e in result.fluency.long_pauses],
        },
        "words": [asdict(word) for word in result.words],
        "limitations": LIMITATIONS,
    }


class GrammarRequest(BaseModel):
    text: str = Field(min_length=1)
    language: str = Field(default="en", min_length=2, max_length=16)


@router.post("/grammar/check")
async def grammar_check(
    body: GrammarRequest, engines: Annotated[Engines, Depends(get_engines)]
) -> dict[str, Any]:
    """Edits with code-point offsets. English is checked offline by harper; other languages
    need a configured LLM."""
    check_text_length(body.text, engines.settings.max_text_chars, "text")
    if grammar.supported(body.language):
        edits = await engines.gates["text"].run(
            lambda: engines.grammar.check(body.text, body.language)
        )
        engine = "harper"
    elif engines.llm is not None:
        corrected = await engines.llm.correct(body.text, body.language)
        edits = diff_edits(body.text, corrected)
        engine = "llm"
    else:
        raise unprocessable(
            f"Grammar checking for {body.language!r} needs an LLM, and none is configured; "
            "English is checked offline.",
            code="unsupported_language",
            param="language",
        )
    return {
        "language": body.language,
        "engine": engine,
        "corrected_text": grammar.apply_edits(body.text, edits),
        "edits": [asdict(edit) for edit in edits],
    }
