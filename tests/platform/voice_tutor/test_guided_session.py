"""A whole text-only guided session through the services: start → opening → turns (fit,
re-ask, hint, gentle grammar correction) → closing → report. Grammar by the real ML service
(harper), credits on the real ledger."""

from decimal import Decimal
from typing import Any

import pytest

from credits.models import UsageCharge
from voice_tutor import services
from voice_tutor.errors import SessionNotActive
from voice_tutor.models import Mode, SessionStatus, Speaker, TutorTurn

pytestmark = pytest.mark.django_db


def reply(session: Any, text: str) -> str:
    services.learner_turn(session, text=text)
    said = "".join(services.tutor_reply(session))
    services.finish_tutor_turn(session, text=said)
    session.refresh_from_db()
    return said


def test_whole_guided_session_by_text(
    learner: Any, avatar: Any, practice: Any, guided: None, live_ml: str
) -> None:
    session = services.start_session(learner, avatar_id=avatar.pk, context_id=practice.pk)
    assert (session.mode, session.status, session.level) == (Mode.GUIDED, "active", "A1")
    settings = services.session_settings(session)
    assert settings.mode == "guided" and settings.learner_name == "Sam"
    assert "language model" in settings.notice
    assert settings.silence_duration_ms == 1200 and settings.tts_voice == "espeak:en-us+f3"
    assert settings.tts_speed == 0.8

    opening = "".join(services.opening_reply(session))
    assert opening.startswith("Hi Sam, I'm Maya.")
    assert "check in for a flight and choose a seat" in opening
    assert opening.strip().endswith("Can I see your passport, please?")
    services.finish_tutor_turn(session, text=opening)

    # A typo and no capital: still fits; harper's spelling fix is said in parentheses.
    said = reply(session, "here is my pasport")
    assert said.startswith("here is my pasport (here is my passport). Thank you.")
    assert "Where are you flying to today?" in said

    said = reply(session, "Blue.")  # does not fit: re-ask
    assert said.strip() == "Which city are you flying to?"
    said = reply(session, "Blue.")  # still not: the hint and a model answer
    assert "Say the city of your destination." in said and "I'm flying to London." in said

    said = reply(session, "I are flying to Paris.")
    assert said.startswith("I are flying to Paris (I am flying to Paris).")
    assert "window seat or an aisle seat" in said

    said = reply(session, "An aisel seat please")  # a typo in the keyword still fits
    assert "Have a good flight, Sam!" in said
    session.refresh_from_db()
    assert session.script_done

    report = services.end_session(session)
    assert services.end_session(session).pk == report.pk  # idempotent
    session.refresh_from_db()
    assert session.status == SessionStatus.ENDED
    learner_turns = TutorTurn.objects.filter(session=session, speaker=Speaker.LEARNER)
    assert [t.fitted for t in learner_turns] == [True, False, False, True, True]
    assert report.listening == 60
    assert report.pronunciation is None and report.fluency is None  # nothing was spoken
    assert report.grammar is not None and report.grammar < 100
    assert {c["original"] for c in report.corrections} >= {"I are flying to Paris."}
    assert any(c["corrected"] == "I am flying to Paris." for c in report.corrections)
    practise = {item["word"] for item in report.words_to_practise}
    assert "boarding pass" in practise and "luggage" in practise
    reasons = {item["word"]: item["reason"] for item in report.words_to_practise}
    assert reasons["passport"] == "corrected" and reasons["luggage"] == "not_used"
    assert report.cefr in {"A1", "A2"}
    assert 0 < report.talk_share < 50
    assert "not a phoneme" in report.definitions["pronunciation"]
    # One started minute, charged once at the start.
    assert UsageCharge.objects.get(user=learner).credits == Decimal("3.00")


def test_three_misses_move_on(
    learner: Any, avatar: Any, practice: Any, guided: None, live_ml: str
) -> None:
    session = services.start_session(learner, avatar_id=avatar.pk, context_id=practice.pk)
    services.finish_tutor_turn(session, text="".join(services.opening_reply(session)))
    reply(session, "Hmm.")
    reply(session, "Hmm.")
    said = reply(session, "Hmm.")
    assert said.startswith("No problem, let's move on.")
    assert "Where are you flying to today?" in said


@pytest.mark.parametrize(
    "request_text", ["Sorry, can you repeat?", "I don't understand", "Pardon?", "Slower please"]
)
def test_asking_to_repeat_is_not_a_miss(
    learner: Any, avatar: Any, practice: Any, guided: None, ml_down: str, request_text: str
) -> None:
    session = services.start_session(learner, avatar_id=avatar.pk, context_id=practice.pk)
    services.finish_tutor_turn(session, text="".join(services.opening_reply(session)))
    said = reply(session, request_text)
    assert said.strip() == "Of course. Good morning! Can I see your passport, please?"
    assert session.step_attempts == 0
    assert TutorTurn.objects.get(session=session, seq=2).fitted is None
    assert "Thank you." in reply(session, "Here you are, my passport.")


def test_a_session_ended_at_once_has_an_empty_honest_report(
    learner: Any, avatar: Any, practice: Any, guided: None
) -> None:
    session = services.start_session(learner, avatar_id=avatar.pk, context_id=practice.pk)
    services.finish_tutor_turn(session, text="".join(services.opening_reply(session)))
    report = services.end_session(session, reason="learner")
    assert set(report.scores.values()) == {None}
    assert report.cefr == "A1" and report.talk_share == 0
    assert report.comment.startswith("Say a few sentences next time")
    with pytest.raises(SessionNotActive):
        services.learner_turn(session, text="Hello?")
