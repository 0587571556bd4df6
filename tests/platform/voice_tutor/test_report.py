"""The report separates a good session from a poor one: the same script, answered by a
confident speaker (clear words, a natural rate, no long pauses, correct and varied sentences
that fit each step) and by a struggling one (low word probabilities, slow, long pauses,
errors, answers that miss the step). Grammar by the real ML service (harper)."""

from decimal import Decimal
from statistics import mean
from typing import Any

import pytest

from voice_tutor import selectors, services

pytestmark = pytest.mark.django_db


def speech(text: str, *, probability: float, words_per_minute: float, pauses: int) -> dict:
    """A transcription.completed event as the ML service sends it (Whisper word timings)."""
    tokens = text.split()
    step = 60 / words_per_minute
    words, at = [], 0.0
    for index, token in enumerate(tokens):
        words.append(
            {"word": " " + token, "start": at, "end": at + step * 0.8, "probability": probability}
        )
        at += step + (1.2 if index < pauses else 0)
    gaps = [{"start": w["end"], "end": w["end"] + 1.2} for w in words[:pauses]]
    return {
        "type": "conversation.item.input_audio_transcription.completed",
        "transcript": text,
        "language": "en",
        "duration": at,
        "words": words,
        "pauses": gaps,
        "speech_ms": int((at - 1.2 * pauses) * 1000),
    }


GOOD = [
    "Good morning, here is my passport.",
    "I'm flying to Barcelona for a conference about renewable energy.",
    "I'd prefer a window seat, because I love watching the coastline during landing.",
]
POOR = [
    "Yes hello.",
    "I are go yesterday to the beach.",
    "I no understand.",
]


def run(user: Any, avatar: Any, practice: Any, answers: list[str], **voice: Any) -> Any:
    session = services.start_session(user, avatar_id=avatar.pk, context_id=practice.pk)
    services.finish_tutor_turn(session, text="".join(services.opening_reply(session)))
    for text in answers:
        services.learner_turn(session, text=text, speech=speech(text, **voice))
        services.finish_tutor_turn(session, text="".join(services.tutor_reply(session)))
    return services.end_session(session)


def test_a_good_session_scores_clearly_higher_than_a_poor_one(
    learner: Any, other_student: Any, avatar: Any, practice: Any, guided: None, live_ml: str
) -> None:
    from credits.services import grant_credits

    grant_credits(other_student, Decimal("30"), idempotency_key="poor")
    good = run(learner, avatar, practice, GOOD, probability=0.93, words_per_minute=140, pauses=0)
    poor = run(
        other_student, avatar, practice, POOR, probability=0.52, words_per_minute=55, pauses=2
    )
    print("good", good.scores, good.cefr, good.details, "\npoor", poor.scores, poor.cefr)
    names = ["pronunciation", "fluency", "grammar", "vocabulary", "listening"]
    for name in names:
        assert getattr(good, name) is not None and getattr(poor, name) is not None, name
        assert getattr(good, name) > getattr(poor, name), name
    assert mean(getattr(good, n) for n in names) - mean(getattr(poor, n) for n in names) >= 30
    assert good.pronunciation >= 90 and poor.pronunciation <= 30
    assert good.listening == 100 and poor.listening == 0
    assert good.cefr > poor.cefr  # "A2" > "A1" as strings, as levels
    assert any(c["corrected"].startswith("I am") for c in poor.corrections)
    assert all(c["why"] for c in poor.corrections)
    assert "renewable" in good.new_vocabulary or "coastline" in good.new_vocabulary
    assert good.details["fluency"]["words_per_minute"] > poor.details["fluency"]["words_per_minute"]
    assert "Whisper" in good.definitions["pronunciation"]
    # The hook a word bank can call: the words the report asks to practise.
    words = selectors.words_to_practise(other_student, poor.session_id)
    assert {"word", "language", "reason", "example"} <= set(words[0])
