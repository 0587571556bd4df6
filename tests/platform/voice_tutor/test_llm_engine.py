"""The LLM engine against a fake OpenAI-compatible server that streams real SSE chunks: the
persona prompt with the practice, level and history; deltas arrive as they are streamed;
usage logged; a failing model interrupts the session without charging it, and it resumes."""

import time
from typing import Any

import pytest
from django.test import override_settings

from ai.models import AIUsage
from credits.models import UsageCharge
from voice_tutor import services
from voice_tutor.errors import EngineUnavailable, InvalidChoice
from voice_tutor.models import Mode, SessionStatus

pytestmark = pytest.mark.django_db


def test_llm_session_streams_with_the_persona_and_history(
    learner: Any, avatar: Any, practice: Any, llm_server: Any, ml_down: str
) -> None:
    session = services.start_session(learner, avatar_id=avatar.pk, context_id=practice.pk)
    assert session.mode == Mode.LLM
    assert services.session_settings(session).notice.startswith("Free conversation")

    llm_server.deltas = ["Hi Sam! ", "I'm Maya, ", "your check-in agent. ", "Where to today?"]
    llm_server.chunk_delay = 0.25
    started = time.monotonic()
    stream = services.opening_reply(session)
    first = next(stream)
    first_at = time.monotonic() - started
    rest = "".join(stream)
    total = time.monotonic() - started
    assert first == "Hi Sam! "
    # The first delta came while the server was still streaming: three more chunks, 0.25 s
    # apart, were still to come (measured as a difference, so a busy machine cannot fail it).
    assert total - first_at > 0.5
    opening = first + rest
    services.finish_tutor_turn(session, text=opening)

    request = llm_server.requests[0]["body"]
    assert request["stream"] is True and request["model"] == "gpt-4o-mini"
    system = request["messages"][0]["content"]
    for expected in [
        "You are Maya",
        "learning en at CEFR level A1",
        "You are a check-in agent at the airport.",
        "boarding pass",
        "(I went to the store)",
        "cultural tip",
    ]:
        assert expected in system
    assert "Greet Sam by name" in request["messages"][1]["content"]

    llm_server.deltas = ["London (I'm flying to London)! ", "Window or aisle?"]
    llm_server.chunk_delay = 0
    services.learner_turn(session, text="I flying to London.")
    reply = "".join(services.tutor_reply(session))
    assert reply == "London (I'm flying to London)! Window or aisle?"
    history = llm_server.requests[1]["body"]["messages"]
    assert [m["role"] for m in history] == ["system", "user", "assistant", "user"]
    assert history[2]["content"] == opening and history[3]["content"] == "I flying to London."

    logged = AIUsage.objects.filter(feature="voice-tutor", outcome="free")
    assert logged.count() == 2
    assert {(u.prompt_tokens, u.completion_tokens) for u in logged} == {(321, 17)}
    assert logged.first().model_name == "gpt-4o-mini"  # type: ignore[union-attr]


def test_a_failing_model_interrupts_without_charge_and_the_session_resumes(
    learner: Any, avatar: Any, practice: Any, llm_server: Any, ml_down: str
) -> None:
    session = services.start_session(learner, avatar_id=avatar.pk, context_id=practice.pk)
    services.finish_tutor_turn(session, text="".join(services.opening_reply(session)))
    llm_server.status = 500
    services.learner_turn(session, text="Hello?")
    with pytest.raises(EngineUnavailable):
        "".join(services.tutor_reply(session))
    services.fail_session(session, code="tutor_unavailable")
    assert session.status == SessionStatus.INTERRUPTED
    assert session.turns.get(seq=2).failed
    assert AIUsage.objects.filter(outcome="unavailable", feature="voice-tutor").count() == 1
    with pytest.raises(Exception, match="already have a tutor session"):
        services.start_session(learner, avatar_id=avatar.pk, context_id=practice.pk)

    llm_server.status = 200
    services.learner_turn(session, text="Hello again?")  # resumes by itself
    assert session.status == SessionStatus.ACTIVE
    assert "".join(services.tutor_reply(session)) == "Hello! I'm Maya."
    assert UsageCharge.objects.filter(user=learner).count() == 1  # only the first minute
    # The failed turn is not sent to the model again.
    sent = [m["content"] for m in llm_server.requests[-1]["body"]["messages"]]
    assert "Hello?" not in sent and "Hello again?" in sent


def test_engine_choice_is_explicit(
    learner: Any, avatar: Any, make_context: Any, llm_server: Any, ml_down: str
) -> None:
    free = make_context(slug="free", title="Free talk", script=[], closing="")
    session = services.start_session(learner, avatar_id=avatar.pk, context_id=free.pk)
    assert session.mode == Mode.LLM and not services.session_settings(session).has_guided_script
    services.end_session(session)
    with (
        override_settings(VOICE_TUTOR_ENGINE="guided"),
        pytest.raises(InvalidChoice, match="needs a configured language model"),
    ):
        services.start_session(learner, avatar_id=avatar.pk, context_id=free.pk)
    with (
        override_settings(VOICE_TUTOR_ENGINE="llm", AI_LLM_BASE_URL="", ML_URL=ml_down),
        pytest.raises(EngineUnavailable),
    ):
        services.start_session(learner, avatar_id=avatar.pk, context_id=free.pk)
