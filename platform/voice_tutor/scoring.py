"""The session report: five scores 0-100, each with a plain definition of what it measures and
what it does not, an estimated CEFR level, corrections, words to practise and new vocabulary.

A score is ``None`` when the session gave nothing to measure it on (pronunciation and fluency
need spoken turns; grammar needs turns the grammar engine could check).
"""

from collections.abc import Iterable
from statistics import mean
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from core.lazy import lazy_module

from . import matching
from .models import LEVELS, Speaker, TutorReport, TutorSession, TutorTurn
from .text import words

if TYPE_CHECKING:
    import wordfreq
else:
    wordfreq = lazy_module("wordfreq")

DEFINITIONS = {
    "pronunciation": (
        "How confidently the speech recogniser (Whisper) heard your words: the average word "
        "probability of your spoken turns, 0.40 → 0 and 0.95 → 100. It is not a phoneme-level "
        "pronunciation score and does not compare you with a native model; noise and a "
        "weak microphone lower it. Empty when you only typed."
    ),
    "fluency": (
        "Speech rate and pauses of your spoken turns: words per minute of speaking time "
        "(40 → 0, 130 and above → 100), minus a penalty for long pauses (over 0.7 s) found "
        "by voice activity detection. It does not judge rhythm or intonation. Empty when you "
        "only typed."
    ),
    "grammar": (
        "Errors the grammar engine found per 100 words of your turns (0 → 100, 16 or more → "
        "0). Only rule-based checks: a sentence can be correct and still unnatural, and a "
        "language the engine does not cover is not scored."
    ),
    "vocabulary": (
        "Range and variety: distinct words (lemmas) you used (40 → full range) and the share "
        "of less common words (Zipf frequency below 4.5, roughly beyond the 3,000 most common "
        "words). A short session scores lower by nature."
    ),
    "listening": (
        "How often your answers fitted what the tutor asked (the script's expected answers, "
        "or on-topic replies in free conversation). It measures understanding through your "
        "replies, not a separate listening test."
    ),
    "cefr": (
        "An estimate from these scores, within one level of the level you practised at. "
        "A few minutes of practice cannot certify a level."
    ),
    "talk_share": "Your share of the words said in the session (yours and the tutor's).",
}

CEFR_BANDS = [(35, "A1"), (50, "A2"), (65, "B1"), (78, "B2"), (90, "C1"), (101, "C2")]


def clamp(value: float) -> int:
    return max(0, min(100, round(value)))


def _scaled(value: float, low: float, high: float) -> int:
    return clamp((value - low) / (high - low) * 100)


def pronunciation_score(spoken: list[TutorTurn]) -> int | None:
    probabilities = [
        float(word["probability"])
        for turn in spoken
        for word in (turn.speech or {}).get("words", [])
        if word.get("word", "").strip()
    ]
    if not probabilities:
        return None
    return _scaled(mean(probabilities), 0.40, 0.95)


def fluency_score(spoken: list[TutorTurn]) -> tuple[int | None, dict[str, Any]]:
    word_count = 0
    speaking_seconds = 0.0
    long_pauses = 0
    for turn in spoken:
        speech = turn.speech or {}
        spoken_words = [w for w in speech.get("words", []) if w.get("word", "").strip()]
        word_count += len(spoken_words)
        seconds = (speech.get("speech_ms") or 0) / 1000 or float(speech.get("duration") or 0)
        if not seconds and spoken_words:
            seconds = spoken_words[-1]["end"] - spoken_words[0]["start"]
        speaking_seconds += seconds
        long_pauses += sum(
            1 for pause in speech.get("pauses", []) if pause["end"] - pause["start"] > 0.7
        )
    if word_count == 0 or speaking_seconds <= 0:
        return None, {}
    wpm = word_count / (speaking_seconds / 60)
    pauses_per_minute = long_pauses / (speaking_seconds / 60)
    rate = _scaled(wpm, 40, 130)
    score = clamp(rate - 12 * max(0.0, pauses_per_minute - 1))
    return score, {
        "words_per_minute": round(wpm, 1),
        "long_pauses_per_minute": round(pauses_per_minute, 2),
        "speaking_seconds": round(speaking_seconds, 1),
    }


def grammar_score(learner: list[TutorTurn]) -> tuple[int | None, dict[str, Any]]:
    checked = [turn for turn in learner if turn.grammar_checked]
    if not checked:
        return None, {"checked_turns": 0}
    word_count = sum(len(words(turn.text)) for turn in checked)
    errors = sum(len(turn.edits) for turn in checked)
    if word_count == 0:
        return None, {"checked_turns": len(checked)}
    per_hundred = errors / word_count * 100
    return clamp(100 - per_hundred * 100 / 16), {
        "checked_turns": len(checked),
        "errors": errors,
        "errors_per_100_words": round(per_hundred, 1),
    }


def zipf(word: str, language: str) -> float:
    return float(wordfreq.zipf_frequency(word, language.split("-")[0]))


def lemmas_of(texts: Iterable[str], language: str) -> dict[str, str]:
    """lemma → the first form used."""
    found: dict[str, str] = {}
    for text in texts:
        for word in words(text):
            lowered = word.lower()
            if len(lowered) < 2:
                continue
            found.setdefault(matching.lemma(lowered, language), lowered)
    return found


def vocabulary_score(
    used: dict[str, str], language: str
) -> tuple[int | None, dict[str, Any], list[str]]:
    if not used:
        return None, {}, []
    rare = sorted({form for form in used.values() if zipf(form, language) < 4.5})
    variety = min(1.0, len(used) / 40)
    sophistication = min(1.0, (len(rare) / len(used)) / 0.25)
    return (
        clamp(variety * 60 + sophistication * 40),
        {"distinct_lemmas": len(used), "less_common_words": len(rare)},
        rare,
    )


def listening_score(learner: list[TutorTurn]) -> int | None:
    judged = [turn.fitted for turn in learner if turn.fitted is not None]
    if not judged:
        return None
    return clamp(sum(1 for fitted in judged if fitted) / len(judged) * 100)


def estimate_cefr(scores: dict[str, int | None], level: str) -> str:
    present = [value for value in scores.values() if value is not None]
    if not present:
        return level
    average = mean(present)
    estimate = next(band for limit, band in CEFR_BANDS if average < limit)
    index, declared = LEVELS.index(estimate), LEVELS.index(level)
    return LEVELS[max(declared - 1, min(declared + 1, index))]


def corrections_of(learner: list[TutorTurn]) -> list[dict[str, str]]:
    found = []
    for turn in learner:
        if not turn.grammar_checked or not turn.edits:
            continue
        found.append(
            {
                "original": turn.text,
                "corrected": turn.corrected_text,
                "why": "; ".join(
                    dict.fromkeys(str(edit.get("message", "")) for edit in turn.edits if edit)
                ),
            }
        )
    return found


def words_to_practise(
    session: TutorSession, used_lemmas: set[str], learner: list[TutorTurn]
) -> list[dict[str, str]]:
    """Context vocabulary the learner did not use, and words the grammar engine corrected.
    The shape (word, language, reason, example) is what a word bank would import."""
    language = session.language
    items: list[dict[str, str]] = []
    seen: set[str] = set()
    for turn in learner:
        for edit in turn.edits or []:
            replacement = str(edit.get("replacement") or "").strip()
            if replacement and replacement.lower() not in seen and len(replacement) < 40:
                seen.add(replacement.lower())
                items.append(
                    {
                        "word": replacement,
                        "language": language,
                        "reason": "corrected",
                        "example": turn.corrected_text,
                    }
                )
    for phrase in session.context.vocabulary_list:
        phrase_lemmas = {matching.lemma(w.lower(), language) for w in words(phrase)}
        if phrase_lemmas and not phrase_lemmas <= used_lemmas and phrase.lower() not in seen:
            seen.add(phrase.lower())
            items.append(
                {"word": phrase, "language": language, "reason": "not_used", "example": ""}
            )
    return items[:20]


def new_vocabulary(session: TutorSession, used: dict[str, str], rare: list[str]) -> list[str]:
    language = session.language
    used_lemmas = set(used)
    from_context = [
        phrase
        for phrase in session.context.vocabulary_list
        if {matching.lemma(w.lower(), language) for w in words(phrase)} <= used_lemmas
    ]
    return list(dict.fromkeys([*from_context, *rare]))[:20]


def comment_for(scores: dict[str, int | None], cefr: str, answered: int) -> str:
    present = {name: value for name, value in scores.items() if value is not None}
    if not present or answered == 0:
        return "Say a few sentences next time and the report will have something to measure."
    best = max(present, key=lambda name: present[name] or 0)
    weakest = min(present, key=lambda name: present[name] or 0)
    if best == weakest:
        return f"Good practice: {best} at {present[best]}. Estimated level {cefr}."
    return (
        f"Your strongest area was {best} ({present[best]}); work next on {weakest} "
        f"({present[weakest]}). Estimated level {cefr}."
    )


def build_report(session: TutorSession) -> TutorReport:
    turns: QuerySet[TutorTurn] = session.turns.order_by("seq")
    all_turns = list(turns)
    learner = [t for t in all_turns if t.speaker == Speaker.LEARNER and not t.failed]
    spoken = [t for t in learner if t.spoken and t.speech]
    tutor_words = sum(len(words(t.said)) for t in all_turns if t.speaker == Speaker.TUTOR)
    learner_words = sum(len(words(t.text)) for t in learner)

    used = lemmas_of((t.text for t in learner), session.language)
    fluency, fluency_details = fluency_score(spoken)
    grammar, grammar_details = grammar_score(learner)
    vocabulary, vocabulary_details, rare = vocabulary_score(used, session.language)
    scores: dict[str, int | None] = {
        "pronunciation": pronunciation_score(spoken),
        "fluency": fluency,
        "grammar": grammar,
        "vocabulary": vocabulary,
        "listening": listening_score(learner),
    }
    cefr = estimate_cefr(scores, session.level)
    total_words = tutor_words + learner_words
    learner_seconds = sum(((t.speech or {}).get("speech_ms") or 0) / 1000 for t in spoken)
    return TutorReport.objects.create(
        session=session,
        **scores,
        cefr=cefr,
        corrections=corrections_of(learner),
        words_to_practise=words_to_practise(session, set(used), learner),
        new_vocabulary=new_vocabulary(session, used, rare),
        talk_share=clamp(learner_words / total_words * 100) if total_words else None,
        learner_seconds=round(learner_seconds, 1),
        duration_seconds=round(session.billable_seconds(), 1),
        comment=comment_for(scores, cefr, len(learner)),
        definitions=DEFINITIONS,
        details={
            "fluency": fluency_details,
            "grammar": grammar_details,
            "vocabulary": vocabulary_details,
            "learner_turns": len(learner),
            "spoken_turns": len(spoken),
            "mode": session.mode,
        },
    )
