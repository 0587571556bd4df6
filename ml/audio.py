"""Audio in and out: decoding browser formats, validation, speech detection, encoding."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass

import av
import numpy as np
from faster_whisper import decode_audio
from faster_whisper.vad import VadOptions, get_speech_timestamps

from ml.errors import ServiceError, bad_request, too_large, unprocessable

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class DecodedAudio:
    samples: np.ndarray  # float32 mono at SAMPLE_RATE

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE


@dataclass(frozen=True)
class SpeechSpan:
    start: float
    end: float


def _probe_duration(data: bytes) -> float | None:
    """Container duration without decoding (None when the container doesn't say)."""
    with av.open(io.BytesIO(data), mode="r") as container:
        if container.duration is not None:
            return container.duration / av.time_base
        stream = next(iter(container.streams.audio), None)
        if stream is not None and stream.duration is not None and stream.time_base is not None:
            return float(stream.duration * stream.time_base)
    return None


def decode(data: bytes, *, max_seconds: float) -> DecodedAudio:
    """Decode any format PyAV reads (wav, webm/opus, ogg, mp3, m4a …) to 16 kHz mono float32."""
    if not data:
        raise bad_request("The audio file is empty.", code="empty_audio", param="file")
    try:
        declared = _probe_duration(data)
    except (av.FFmpegError, ValueError, IndexError):
        raise bad_request(
            "The file is not audio in a supported format (wav, webm, ogg, mp3, m4a, flac).",
            code="invalid_audio",
            param="file",
        ) from None
    if declared is not None and declared > max_seconds:
        raise too_large(
            f"The audio is {declared:.0f} s long; the limit is {max_seconds:g} s.",
            code="audio_too_long",
            param="file",
        )
    try:
        samples = decode_audio(io.BytesIO(data), sampling_rate=SAMPLE_RATE)
    except (av.FFmpegError, ValueError, IndexError):
        raise bad_request(
            "The audio could not be decoded.", code="invalid_audio", param="file"
        ) from None
    audio = DecodedAudio(np.asarray(samples, dtype=np.float32))
    if audio.duration == 0:
        raise bad_request("The audio contains no samples.", code="empty_audio", param="file")
    if audio.duration > max_seconds:
        raise too_large(
            f"The audio is {audio.duration:.0f} s long; the limit is {max_seconds:g} s.",
            code="audio_too_long",
            param="file",
        )
    return audio


def speech_spans(audio: DecodedAudio, *, min_silence_ms: int = 300) -> list[SpeechSpan]:
    """Silero VAD (bundled with faster-whisper): where speech is, in seconds."""
    options = VadOptions(min_silence_duration_ms=min_silence_ms, speech_pad_ms=30)
    chunks = get_speech_timestamps(audio.samples, vad_options=options, sampling_rate=SAMPLE_RATE)
    return [SpeechSpan(c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in chunks]


def require_speech(audio: DecodedAudio) -> list[SpeechSpan]:
    spans = speech_spans(audio)
    if not spans:
        raise _no_speech()
    return spans


# Windows for has_speech: long enough for the VAD's context, overlapping by more than the
# shortest speech it reports (250 ms), so an utterance cut by a window edge is still whole in
# one of the two windows.
_WINDOW_SECONDS = 4.0
_OVERLAP_SECONDS = 0.5


def has_speech(audio: DecodedAudio) -> bool:
    """Whether there is any speech, stopping at the first window that has some: a clip that
    starts talking costs one 4 s window of VAD, not the whole clip (Whisper, run next, finds
    the words itself). Silence and noise still cost a full pass, as with speech_spans."""
    window = int(_WINDOW_SECONDS * SAMPLE_RATE)
    step = window - int(_OVERLAP_SECONDS * SAMPLE_RATE)
    options = VadOptions(min_silence_duration_ms=300, speech_pad_ms=30)
    samples = audio.samples
    for start in range(0, max(len(samples) - int(_OVERLAP_SECONDS * SAMPLE_RATE), 1), step):
        chunk = samples[start : start + window]
        if get_speech_timestamps(chunk, vad_options=options, sampling_rate=SAMPLE_RATE):
            return True
    return False


def require_any_speech(audio: DecodedAudio) -> None:
    if not has_speech(audio):
        raise _no_speech()


def _no_speech() -> ServiceError:
    return unprocessable("No speech was detected in the audio.", code="no_speech", param="file")


# ---- encoding -----------------------------------------------------------------------------

AUDIO_MEDIA_TYPES = {
    "wav": "audio/wav",
    "mp3": "audio/mpeg",
    "opus": "audio/ogg",
    "flac": "audio/flac",
    "pcm": "audio/pcm",
}
_AV_FORMATS = {"mp3": ("mp3", "libmp3lame"), "opus": ("ogg", "libopus"), "flac": ("flac", "flac")}


def to_int16(samples: np.ndarray) -> np.ndarray:
    return (np.clip(samples, -1.0, 1.0) * 32767).astype(np.int16)


def encode(samples: np.ndarray, sample_rate: int, response_format: str) -> bytes:
    """Encode float32 mono samples as wav, pcm (raw s16le), mp3, opus (ogg) or flac."""
    pcm = to_int16(samples)
    if response_format == "pcm":
        return pcm.tobytes()
    if response_format == "wav":
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(sample_rate)
            out.writeframes(pcm.tobytes())
        return buffer.getvalue()
    container_format, codec = _AV_FORMATS[response_format]
    rate = 48_000 if codec == "libopus" else sample_rate
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=container_format) as container:
        stream = container.add_stream(codec, rate=rate, layout="mono")
        resampler = av.AudioResampler(format=stream.format, layout="mono", rate=rate)
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = sample_rate
        for resampled in [*resampler.resample(frame), *resampler.resample(None)]:
            for packet in stream.encode(resampled):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()
