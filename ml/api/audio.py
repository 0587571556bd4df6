"""OpenAI-compatible audio: ``/v1/audio/transcriptions`` and ``/v1/audio/speech``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field

from ml import audio as audio_io
from ml.api.deps import check_text_length, get_engines, read_upload
from ml.container import Engines
from ml.engines.stt import Transcript
from ml.errors import bad_request

router = APIRouter(prefix="/v1/audio", tags=["audio"])

TranscriptionFormat = Literal["json", "text", "verbose_json", "srt", "vtt"]

# Whisper reports languages by name in verbose_json, as OpenAI does.
_LANGUAGE_NAMES = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "de": "german",
    "it": "italian",
    "pt": "portuguese",
    "nl": "dutch",
    "ja": "japanese",
    "zh": "chinese",
    "ko": "korean",
    "ru": "russian",
    "ar": "arabic",
    "hi": "hindi",
}


def _timestamp(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _subtitles(transcript: Transcript, vtt: bool) -> str:
    lines = ["WEBVTT", ""] if vtt else []
    for index, segment in enumerate(transcript.segments, start=1):
        sep = "." if vtt else ","
        if not vtt:
            lines.append(str(index))
        lines.append(f"{_timestamp(segment.start, sep)} --> {_timestamp(segment.end, sep)}")
        lines += [segment.text.strip(), ""]
    return "\n".join(lines)


def _verbose(transcript: Transcript, granularities: set[str]) -> dict[str, Any]:
    body: dict[str, Any] = {
        "task": "transcribe",
        "language": _LANGUAGE_NAMES.get(transcript.language, transcript.language),
        "duration": round(transcript.duration, 3),
        "text": transcript.text,
        "model": transcript.model,
    }
    if "segment" in granularities:
        body["segments"] = [
            {
                "id": s.id,
                "seek": 0,
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "tokens": s.tokens,
                "temperature": s.temperature,
                "avg_logprob": s.avg_logprob,
                "compression_ratio": s.compression_ratio,
                "no_speech_prob": s.no_speech_prob,
            }
            for s in transcript.segments
        ]
    if "word" in granularities:
        # ``probability`` is an extension to OpenAI's word objects (pronunciation feedback).
        body["words"] = [
            {"word": w.word.strip(), "start": w.start, "end": w.end, "probability": w.probability}
            for w in transcript.words
        ]
    return body


@router.post("/transcriptions", response_model=None)
async def transcriptions(
    engines: Annotated[Engines, Depends(get_engines)],
    file: Annotated[UploadFile, File(description="Audio: wav, webm, ogg, mp3, m4a, flac …")],
    model: Annotated[str, Form()] = "whisper-1",
    language: Annotated[str | None, Form()] = None,
    prompt: Annotated[str | None, Form()] = None,
    response_format: Annotated[TranscriptionFormat, Form()] = "json",
    temperature: Annotated[float, Form(ge=0.0, le=1.0)] = 0.0,
    timestamp_granularities: Annotated[
        list[Literal["word", "segment"]] | None, Form(alias="timestamp_granularities[]")
    ] = None,
) -> Response:
    """Transcribe speech. ``verbose_json`` includes segments and words (with ``probability``);
    without ``timestamp_granularities[]`` both are returned. Silent audio → 422 ``no_speech``."""
    settings = engines.settings
    data = await read_upload(file, settings.max_audio_bytes)
    model_name = engines.stt.resolve_model(model, language)
    if prompt:
        check_text_length(prompt, 2000, "prompt")
    granularities = set(timestamp_granularities or ["segment", "word"])
    want_words = response_format == "verbose_json" and "word" in granularities

    def work() -> Transcript:
        # Decoded on the engine's worker, not the event loop: a long upload takes a while.
        decoded = audio_io.decode(data, max_seconds=settings.max_audio_seconds)
        audio_io.require_any_speech(decoded)
        return engines.stt.transcribe(
            decoded,
            model=model_name,
            language=language,
            word_timestamps=want_words,
            prompt=prompt,
            temperature=temperature,
        )

    transcript = await engines.gates["stt"].run(work)
    if response_format == "text":
        return PlainTextResponse(transcript.text + "\n")
    if response_format in ("srt", "vtt"):
        return PlainTextResponse(_subtitles(transcript, vtt=response_format == "vtt"))
    if response_format == "verbose_json":
        return JSONResponse(_verbose(transcript, granularities))
    return JSONResponse({"text": transcript.text})


class SpeechRequest(BaseModel):
    model: str = "tts-1"
    input: str = Field(min_length=1)
    voice: str | None = None
    response_format: Literal["wav", "mp3", "opus", "flac", "pcm"] = "mp3"
    speed: float = Field(default=1.0, ge=0.25, le=4.0)


@router.post(
    "/speech",
    response_class=Response,
    responses={200: {"content": {media: {} for media in audio_io.AUDIO_MEDIA_TYPES.values()}}},
)
async def speech(
    body: SpeechRequest, engines: Annotated[Engines, Depends(get_engines)]
) -> Response:
    """Synthesize speech. ``voice``: a Piper voice id, ``espeak:<voice>[+<variant>]`` (e.g.
    ``espeak:es``, ``espeak:en-gb``, ``espeak:en-us+f3``), a language code, or an OpenAI voice
    name (→ the default voice). ``speed`` (0.25-4) sets Piper's length scale (1/speed) or
    espeak-ng's words per minute (175 * speed). ``pcm`` is raw 16-bit little-endian mono at
    the voice's own rate, given in the ``X-Sample-Rate`` header (22,050 Hz for the packaged
    voices); ``wav`` carries the same samples with a header (and the same ``X-Sample-Rate``)."""
    check_text_length(body.input, engines.settings.max_speech_chars, "input")
    if not body.input.strip():
        raise bad_request("The input text is empty.", code="empty_input", param="input")
    engine, voice = engines.tts.resolve_voice(body.voice)

    def work() -> tuple[bytes, int]:
        speech = engine.synthesize(body.input, voice=voice, speed=body.speed)
        encoded = audio_io.encode(speech.samples, speech.sample_rate, body.response_format)
        return encoded, speech.sample_rate

    audio_bytes, sample_rate = await engines.gates["tts"].run(work)
    headers = {"X-Voice": voice}
    if body.response_format in ("pcm", "wav"):
        # Raw PCM has no header of its own: the rate (the voice's own, 22,050 Hz for the
        # packaged voices; no resampling) travels here, and in the media type's parameter.
        headers["X-Sample-Rate"] = str(sample_rate)
    media_type = audio_io.AUDIO_MEDIA_TYPES[body.response_format]
    if body.response_format == "pcm":
        media_type = f"{media_type};rate={sample_rate};channels=1;format=s16le"
    return Response(audio_bytes, media_type=media_type, headers=headers)
