"""Audio in and out: decoding browser formats, validation, speech detection, encoding."""

from __future__ import annotations

import gc
import io
import wave
from dataclasses import dataclass

import av
import numpy as np
from av.audio.fifo import AudioFifo
from av.audio.resampler import AudioResampler
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


_GROUP_SAMPLES = 500_000  # frames are resampled in groups of this many samples


def _decode_samples(data: bytes) -> np.ndarray:
    """faster-whisper's ``decode_audio``, frame for frame, without its full ``gc.collect()``.

    PyAV's resampler leaves reference cycles behind (faster-whisper issue 390), so
    faster-whisper collects garbage after every decode. A full collection walks every object
    the process holds: about 45 ms per request in this service, with the GIL held, stalling
    every other request. The cycles are new, so collecting the young generations frees them at
    a fraction of the cost; anything older goes with the interpreter's own collections.
    """
    parts = _resampled_parts(data)
    gc.collect(1)  # the resampler and its frames are gone now, but for their cycles
    if not parts:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(parts).astype(np.float32) / 32768.0


def _resampled_parts(data: bytes) -> list[np.ndarray]:
    resampler = AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    fifo = AudioFifo()
    parts: list[np.ndarray] = []

    def resample(frame: av.AudioFrame | None) -> None:
        for resampled in resampler.resample(frame):
            parts.append(resampled.to_ndarray().reshape(-1))

    with av.open(io.BytesIO(data), mode="r", metadata_errors="ignore") as container:
        frames = container.decode(audio=0)
        while True:
            try:
                frame = next(frames)
            except StopIteration:
                break
            except av.error.InvalidDataError:
                continue  # a damaged frame is skipped, as faster-whisper does
            frame.pts = None  # timestamps are not checked: grouped frames are contiguous
            fifo.write(frame)
            if fifo.samples >= _GROUP_SAMPLES:
                resample(fifo.read())
        if fifo.samples > 0:
            resample(fifo.read())
        resample(None)  # flush what the resampler still holds
    return parts


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
        samples = _decode_samples(data)
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
