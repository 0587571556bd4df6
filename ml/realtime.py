"""Streaming end-of-turn detection: Silero VAD frame by frame over 16 kHz PCM16.

One :class:`TurnDetector` per WebSocket connection. It keeps the VAD's recurrent state (``h``,
``c`` and the 64-sample context) across frames, so each 512-sample window (32 ms) is judged
once, as it arrives, with everything before it in memory: the same probabilities the batch
``faster_whisper.vad.SileroVADModel`` gives over the whole clip.

Turn rule, tuned for learners: speech starts after ``min_speech_ms`` of voiced windows; the
turn ends after ``silence_duration_ms`` of silence following speech (a hesitant speaker's
shorter pause stays inside the turn and is reported as a pause); ``commit`` ends it at once; a
turn never runs past ``max_turn_seconds``. ``early_ms`` before the budget runs out (once the
silence covers the post-roll) a :class:`Tentative` turn is emitted with exactly the audio the
final turn will have, so Whisper can run inside the silence budget. The detector only cuts
audio: transcription and the filler rule belong to the socket handler (``ml.api.realtime``).
"""

from __future__ import annotations

import functools
import re
from collections import deque
from dataclasses import dataclass, field

import numpy as np
from faster_whisper.vad import SileroVADModel, get_vad_model

SAMPLE_RATE = 16_000
WINDOW = 512  # samples per VAD window at 16 kHz (32 ms)
CONTEXT = 64  # samples of the previous window the model sees before each window
WINDOW_MS = WINDOW * 1000 // SAMPLE_RATE

# Audio kept around a turn so Whisper hears the onset and the release of the first and last
# words (the VAD fires a little after speech really begins).
PRE_ROLL_MS = 320
POST_ROLL_MS = 320
# A silence inside a turn shorter than this is articulation, not a pause worth reporting.
MIN_PAUSE_MS = 160

# Hesitation sounds that alone don't make a turn (English and Spanish, as learners say them;
# Whisper spells them in several ways).
FILLERS = frozenset(
    {
        "uh", "uhh", "uhm", "uhmm", "um", "umm", "hm", "hmm", "hmmm", "mm", "mmm", "mhm",
        "eh", "ehh", "ehm", "er", "erm", "err", "ah", "ahh", "ahm", "oh", "huh",
        "este", "pues", "bueno", "eeh", "em", "emm",
    }
)  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


def only_fillers(transcript: str) -> bool:
    """True when the transcript says nothing but hesitation sounds (or nothing at all)."""
    words = [word.lower() for word in _WORD.findall(transcript)]
    return all(word in FILLERS for word in words)


@functools.cache
def vad_model() -> SileroVADModel:
    """The bundled Silero VAD (ONNX, one per process; onnxruntime sessions are thread-safe)."""
    return get_vad_model()


class StreamingVAD:
    """Silero VAD over a stream: one probability per 512-sample window, state kept between."""

    def __init__(self, model: SileroVADModel | None = None) -> None:
        self._session = (model or vad_model()).session
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT, dtype=np.float32)

    def probability(self, window: np.ndarray) -> float:
        """Speech probability of one window of exactly 512 float32 samples."""
        batch = np.concatenate([self._context, window]).reshape(1, CONTEXT + WINDOW)
        output, self._h, self._c = self._session.run(
            None, {"input": batch, "h": self._h, "c": self._c}
        )
        self._context = window[-CONTEXT:].copy()
        return float(output.reshape(-1)[0])


@dataclass(frozen=True)
class SpeechStarted:
    audio_start_ms: int


@dataclass(frozen=True)
class SpeechStopped:
    audio_end_ms: int


@dataclass(frozen=True)
class Pause:
    start: float  # seconds from the start of the turn's audio
    end: float


@dataclass(frozen=True)
class Turn:
    """A finished turn: its audio (with a little context either side) and what the VAD saw."""

    samples: np.ndarray  # float32 mono, 16 kHz
    audio_start_ms: int  # where ``samples`` begins in the session's audio
    speech_start_ms: int
    speech_end_ms: int
    speech_ms: int
    pauses: list[Pause]
    reason: str  # "silence" | "commit" | "max_length"

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE


@dataclass(frozen=True)
class Tentative:
    """The turn as it will be if the silence so far lasts to the budget: the same samples,
    pauses and times the final :class:`Turn` will have (the audio after the post-roll is never
    part of a turn). Transcribing it now hides Whisper's time inside the silence budget; if
    the learner speaks again, it is simply superseded."""

    turn: Turn


Event = SpeechStarted | SpeechStopped | Turn | Tentative


@dataclass
class _Speech:
    start_window: int  # first window of the turn's audio (pre-roll included)
    speech_start_window: int
    windows: list[np.ndarray] = field(default_factory=list)
    speech_windows: int = 0
    silence_run: int = 0  # consecutive silent windows at the end
    pauses: list[tuple[int, int]] = field(default_factory=list)  # window indexes [start, end)


class TurnDetector:
    """Feed PCM16 (bytes or int16 arrays) in any frame size; get speech and turn events."""

    def __init__(
        self,
        *,
        silence_duration_ms: int = 1200,
        min_speech_ms: int = 250,
        max_turn_seconds: float = 60.0,
        threshold: float = 0.5,
        early_ms: int = 400,
        vad: StreamingVAD | None = None,
    ) -> None:
        self.vad = vad or StreamingVAD()
        self.threshold = threshold
        # Hysteresis as in Silero's own get_speech_timestamps: once speaking, a window counts
        # as silence only below threshold - 0.15.
        self.neg_threshold = max(threshold - 0.15, 0.01)
        self.early_ms = early_ms
        self.configure(
            silence_duration_ms=silence_duration_ms,
            min_speech_ms=min_speech_ms,
            max_turn_seconds=max_turn_seconds,
        )
        self._pending = np.zeros(0, dtype=np.float32)  # samples short of a whole window
        self._window_index = 0  # windows judged so far in this session
        self._recent: deque[np.ndarray] = deque(maxlen=self._pre_roll_windows + 64)
        self._voiced_run = 0  # consecutive voiced windows while not in speech
        self._speech: _Speech | None = None

    def configure(
        self, *, silence_duration_ms: int, min_speech_ms: int, max_turn_seconds: float
    ) -> None:
        self.silence_windows = max(1, -(-silence_duration_ms // WINDOW_MS))
        self.min_speech_windows = max(1, -(-min_speech_ms // WINDOW_MS))
        self.max_turn_windows = max(1, int(max_turn_seconds * 1000 // WINDOW_MS))
        self._pre_roll_windows = PRE_ROLL_MS // WINDOW_MS
        self._post_roll_windows = POST_ROLL_MS // WINDOW_MS
        # A tentative turn once the silence has covered the post-roll (so its audio is final)
        # and is within early_ms of the budget; none when that leaves no time before the end.
        self.tentative_windows = max(
            self._post_roll_windows, self.silence_windows - self.early_ms // WINDOW_MS
        )

    @property
    def in_speech(self) -> bool:
        return self._speech is not None

    @property
    def audio_ms(self) -> int:
        """Milliseconds of audio received so far in the session (whole windows)."""
        return self._window_index * WINDOW_MS

    def feed(self, pcm: bytes | np.ndarray) -> list[Event]:
        if isinstance(pcm, bytes | bytearray | memoryview):
            samples = np.frombuffer(pcm, dtype="<i2")
        else:
            samples = pcm
        floats = samples.astype(np.float32) / 32768.0
        data = np.concatenate([self._pending, floats]) if len(self._pending) else floats
        whole = len(data) - len(data) % WINDOW
        self._pending = data[whole:].copy()
        events: list[Event] = []
        for offset in range(0, whole, WINDOW):
            events += self._window(data[offset : offset + WINDOW])
        return events

    def _window(self, window: np.ndarray) -> list[Event]:
        probability = self.vad.probability(window)
        index = self._window_index
        self._window_index += 1
        speech = self._speech
        if speech is None:
            self._recent.append(window)
            if probability >= self.threshold:
                self._voiced_run += 1
            else:
                self._voiced_run = 0
            if self._voiced_run < self.min_speech_windows:
                return []
            # Speech began at the first voiced window of the run; keep the pre-roll before it.
            first_voiced = index - self._voiced_run + 1
            kept = min(len(self._recent), self._voiced_run + self._pre_roll_windows)
            windows = list(self._recent)[-kept:]
            self._speech = _Speech(
                start_window=index - kept + 1,
                speech_start_window=first_voiced,
                windows=windows,
                speech_windows=self._voiced_run,
            )
            self._recent.clear()
            self._voiced_run = 0
            return [SpeechStarted(audio_start_ms=first_voiced * WINDOW_MS)]
        speech.windows.append(window)
        if probability >= self.neg_threshold:
            if speech.silence_run * WINDOW_MS >= MIN_PAUSE_MS:
                speech.pauses.append((index - speech.silence_run, index))
            speech.silence_run = 0
            speech.speech_windows += 1
        else:
            speech.silence_run += 1
            if speech.silence_run >= self.silence_windows:
                return self._end(speech, reason="silence")
            if speech.silence_run == self.tentative_windows:
                return [Tentative(self._turn(speech, reason="silence"))]
        if len(speech.windows) >= self.max_turn_windows:
            return self._end(speech, reason="max_length")
        return []

    def commit(self) -> list[Event]:
        """End the turn now (push-to-talk release). Nothing happens outside speech."""
        if self._speech is None:
            return []
        return self._end(self._speech, reason="commit")

    def clear(self) -> None:
        """Drop whatever is buffered; the VAD keeps listening to the same continuous stream."""
        self._speech = None
        self._recent.clear()
        self._voiced_run = 0
        self._pending = np.zeros(0, dtype=np.float32)

    def _end(self, speech: _Speech, *, reason: str) -> list[Event]:
        self._speech = None
        self._voiced_run = 0
        self._recent.clear()
        turn = self._turn(speech, reason=reason)
        # Audio after the turn's end, already heard, stays for the next turn's pre-roll.
        keep = len(turn.samples) // WINDOW
        for window in speech.windows[keep:][-self._pre_roll_windows :]:
            self._recent.append(window)
        return [SpeechStopped(audio_end_ms=turn.speech_end_ms), turn]

    def _turn(self, speech: _Speech, *, reason: str) -> Turn:
        silent_tail = speech.silence_run
        end_window = speech.start_window + len(speech.windows) - silent_tail
        keep = len(speech.windows) - silent_tail + min(silent_tail, self._post_roll_windows)
        samples = np.concatenate(speech.windows[:keep])
        start = speech.start_window
        pauses = [
            Pause(
                round((a - start) * WINDOW_MS / 1000, 3), round((b - start) * WINDOW_MS / 1000, 3)
            )
            for a, b in speech.pauses
        ]
        return Turn(
            samples=samples,
            audio_start_ms=start * WINDOW_MS,
            speech_start_ms=speech.speech_start_window * WINDOW_MS,
            speech_end_ms=end_window * WINDOW_MS,
            speech_ms=speech.speech_windows * WINDOW_MS,
            pauses=pauses,
            reason=reason,
        )
