"""Pronunciation and fluency assessment of a recording against its expected text.

Recipe (measured): VAD first (no speech → say so; Whisper invents words on silence), then
transcribe with the language set, word timestamps, no conditioning and never the expected
text as a prompt; align recognised words to expected words; pauses come from the VAD because
Whisper's word timestamps swallow them.
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass

from ml.audio import SpeechSpan
from ml.engines.stt import Transcript, Word

LOW_PROBABILITY = 0.5
LONG_PAUSE_SECONDS = 0.7
# Comfortable learner speech rate, words per minute.
RATE_LOW, RATE_HIGH = 80.0, 190.0

_TOKEN = re.compile(r"[\w']+", re.UNICODE)


def normalize_words(text: str) -> list[str]:
    return [token.lower().strip("'") for token in _TOKEN.findall(text) if token.strip("'")]


@dataclass(frozen=True)
class WordScore:
    expected: str | None
    recognized: str | None
    score: float  # 0..100
    error: str | None  # None | "mispronunciation" | "omission" | "insertion" | "low_confidence"
    probability: float | None
    start: float | None
    end: float | None


@dataclass(frozen=True)
class Fluency:
    score: float
    words_per_minute: float
    speech_seconds: float
    pause_count: int
    long_pauses: list[tuple[float, float]]


@dataclass(frozen=True)
class Assessment:
    recognized_text: str
    words: list[WordScore]
    accuracy: float
    completeness: float
    fluency: Fluency
    pronunciation: float


def _word_score(probability: float) -> float:
    return round(min(100.0, 100.0 * (0.4 + 0.6 * min(1.0, probability / 0.8))), 1)


def align(expected: list[str], recognized: list[tuple[str, Word]]) -> list[WordScore]:
    said = [token for token, _ in recognized]
    matcher = difflib.SequenceMatcher(a=expected, b=said, autojunk=False)
    scores: list[WordScore] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            for i, j in zip(range(a0, a1), range(b0, b1), strict=True):
                word = recognized[j][1]
                low = word.probability < LOW_PROBABILITY
                scores.append(
                    WordScore(
                        expected[i],
                        said[j],
                        _word_score(word.probability),
                        "low_confidence" if low else None,
                        word.probability,
                        word.start,
                        word.end,
                    )
                )
            continue
        expected_part, said_part = expected[a0:a1], recognized[b0:b1]
        for k in range(max(len(expected_part), len(said_part))):
            exp = expected_part[k] if k < len(expected_part) else None
            got = said_part[k] if k < len(said_part) else None
            if exp is not None and got is not None:
                error, score = "mispronunciation", 20.0
            elif exp is not None:
                error, score = "omission", 0.0
            else:
                error, score = "insertion", 0.0
            word = got[1] if got else None
            scores.append(
                WordScore(
                    exp,
                    got[0] if got else None,
                    score,
                    error,
                    word.probability if word else None,
                    word.start if word else None,
                    word.end if word else None,
                )
            )
    return scores


def fluency(words_said: int, spans: list[SpeechSpan]) -> Fluency:
    if not spans:
        return Fluency(0.0, 0.0, 0.0, 0, [])
    speech_seconds = sum(span.end - span.start for span in spans)
    gaps = [(a.end, b.start) for a, b in itertools.pairwise(spans)]
    long_pauses = [(round(s, 2), round(e, 2)) for s, e in gaps if e - s >= LONG_PAUSE_SECONDS]
    active = spans[-1].end - spans[0].start
    wpm = 60.0 * words_said / active if active > 0 else 0.0
    if wpm < RATE_LOW:
        rate_score = 100.0 * max(0.0, wpm / RATE_LOW)
    elif wpm > RATE_HIGH:
        rate_score = 100.0 * max(0.0, 1 - (wpm - RATE_HIGH) / RATE_HIGH)
    else:
        rate_score = 100.0
    pause_seconds = sum(e - s for s, e in long_pauses)
    pause_penalty = min(60.0, 15.0 * len(long_pauses) + 20.0 * pause_seconds)
    score = max(0.0, min(100.0, 0.5 * rate_score + 0.5 * (100.0 - pause_penalty * 1.5)))
    return Fluency(round(score, 1), round(wpm, 1), round(speech_seconds, 2), len(gaps), long_pauses)


def assess(expected_text: str, transcript: Transcript, spans: list[SpeechSpan]) -> Assessment:
    expected = normalize_words(expected_text)
    recognized = [
        (token, word) for word in transcript.words for token in normalize_words(word.word)
    ]
    words = align(expected, recognized)
    expected_scores = [w for w in words if w.expected is not None]
    attempted = [w for w in expected_scores if w.error != "omission"]
    insertions = sum(1 for w in words if w.error == "insertion")
    accuracy = sum(w.score for w in attempted) / (len(attempted) + insertions) if attempted else 0.0
    said_expected = sum(1 for w in expected_scores if w.error in (None, "low_confidence"))
    completeness = 100.0 * said_expected / len(expected) if expected else 0.0
    flow = fluency(len(recognized), spans)
    pronunciation = 0.5 * accuracy + 0.25 * completeness + 0.25 * flow.score
    return Assessment(
        recognized_text=transcript.text,
        words=words,
        accuracy=round(accuracy, 1),
        completeness=round(completeness, 1),
        fluency=flow,
        pronunciation=round(min(pronunciation, accuracy, completeness + 10), 1),
    )
