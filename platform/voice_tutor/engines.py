"""The two conversation engines. Both are called by services only.

* Guided (offline): follows the context's script step by step; a learner's answer fits the
  step or is asked again (re-ask line, then the hint with a model answer, then the tutor moves
  on). Whole sentences are yielded at once.
* LLM: the tutor prompt template (the LinguaFlex persona) + the context + the conversation so
  far, streamed from any OpenAI-compatible server through ``ai.client.llm_client``.

Both run the learner's turn through the grammar engine (``ai.client.check_grammar``: harper
for English offline, the LLM for other languages when configured) and store the edits on the
turn; the guided engine says the corrections gently, in parentheses.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from operations.configuration import setting

from ai import client
from ai.errors import AIInputRejected, AIUnavailable
from core.lazy import lazy_module

from . import matching
from .errors import EngineUnavailable
from .models import PracticeContext, Speaker, TutorPromptTemplate, TutorSession, TutorTurn
from .phrases import phrases
from .text import normalize, sentences, words

if TYPE_CHECKING:
    import openai
else:
    openai = lazy_module("openai")

logger = logging.getLogger(__name__)


# --- grammar ------------------------------------------------------------------------------------


def check_grammar(turn: TutorTurn, language: str) -> None:
    """Fills the turn's edits and corrected text. A language the offline engine does not
    cover (and no LLM) or a grammar service that is down leaves the turn unchecked: the report
    then scores grammar on the checked turns only and says how many there were."""
    try:
        result = client.check_grammar(turn.text, language)
    except AIInputRejected:
        return
    except AIUnavailable:
        logger.warning("Grammar check unavailable for tutor turn %s", turn.pk)
        return
    kept = [
        edit
        for edit in result.get("edits") or []
        if edit.get("replacement") is not None
        and normalize(str(edit.get("original", ""))) != normalize(str(edit["replacement"]))
    ]  # case, spacing and punctuation are not corrected: this is spoken practice
    turn.grammar_checked = True
    turn.edits = [
        {
            "offset": int(edit.get("offset", 0)),
            "length": int(edit.get("length", 0)),
            "original": str(edit.get("original", "")),
            "replacement": str(edit["replacement"]),
            "message": str(edit.get("message", "")),
            "category": str(edit.get("category", "")),
        }
        for edit in kept
    ]
    turn.corrected_text = apply_edits(turn.text, turn.edits)


def apply_edits(text: str, edits: list[dict[str, Any]]) -> str:
    result = text
    last_start = len(text) + 1
    for edit in sorted(edits, key=lambda e: e["offset"], reverse=True):
        start, end = edit["offset"], edit["offset"] + edit["length"]
        if end > last_start or result[start:end] != edit["original"]:
            continue  # overlapping or stale: skip rather than garble the sentence
        result = result[:start] + edit["replacement"] + result[end:]
        last_start = start
    return result


def split_all(text: str) -> list[str]:
    done, rest = sentences(text.strip() + " ")
    return [*done, rest.strip()] if rest.strip() else done


def gentle_corrections(turn: TutorTurn) -> str:
    """ "I goed to the store (I went to the store)." for each sentence the engine changed."""
    if not turn.grammar_checked or not turn.edits or not turn.corrected_text:
        return ""
    original, corrected = split_all(turn.text), split_all(turn.corrected_text)
    if len(original) != len(corrected):
        original, corrected = [turn.text.strip()], [turn.corrected_text.strip()]
    said = []
    for before, after in zip(original, corrected, strict=True):
        if normalize(before) != normalize(after):
            said.append(f"{before.rstrip('.!? ')} ({after.rstrip('.!? ')}).")
    return " ".join(said)


# --- guided -------------------------------------------------------------------------------------


def _greeting(session: TutorSession, context: PracticeContext, name: str) -> str:
    words_for = phrases(context.language)
    values = {"name": name, "tutor": session.avatar.name, "goal": context.goal.rstrip(".")}
    template = context.greeting or (
        words_for["greeting"] if name else words_for["greeting_anonymous"]
    )
    return template.format(**values)


def _closing(context: PracticeContext, name: str) -> str:
    template = context.closing or phrases(context.language)["closing"]
    return template.format(name=name).replace(" ,", ",").replace(",.", ".")


def guided_opening(session: TutorSession, name: str) -> list[str]:
    context = session.context
    lines = [_greeting(session, context, name)]
    steps = context.steps()
    if steps:
        lines.extend(steps[0]["tutor_lines"])
    return lines


def guided_reply(session: TutorSession, turn: TutorTurn, name: str) -> list[str]:
    """Advances the script for the learner's ``turn``; the caller saves session and turn."""
    context = session.context
    words_for = phrases(context.language)
    steps = context.steps()
    lines: list[str] = []
    correction = gentle_corrections(turn)
    if session.script_done or session.step_index >= len(steps):
        session.script_done = True
        turn.fitted = None
        return [line for line in (correction, words_for["done"]) if line]

    step = steps[session.step_index]
    turn.step_index = session.step_index
    turn.fitted = matching.fits(step, turn.text, context.language) or bool(
        turn.corrected_text and matching.fits(step, turn.corrected_text, context.language)
    )
    if not turn.fitted and asks_to_repeat(turn.text, context.language):
        # Not an answer: the step is said again, and neither counts as a miss nor is scored.
        turn.fitted = None
        return [words_for["repeat_intro"], *step["tutor_lines"]]
    if correction:
        lines.append(correction)
    if turn.fitted:
        acknowledgements = words_for["acknowledgements"]
        lines.append(
            step.get("acknowledgement") or acknowledgements[turn.seq % len(acknowledgements)]
        )
        return lines + _advance(session, steps, context, name)

    session.step_attempts += 1
    if session.step_attempts == 1:
        lines.append(step["reask"])
    elif session.step_attempts == 2:
        lines.append(step["hint"])
        examples = list(step.get("suggested_responses") or [])
        if examples:
            lines.append(words_for["you_could_say"].format(example=examples[0]))
    else:
        lines.append(words_for["move_on"])
        lines.extend(_advance(session, steps, context, name))
    return lines


def asks_to_repeat(text: str, language: str) -> bool:
    said = normalize(text)
    return any(re.search(pattern, said) for pattern in phrases(language)["repeat_requests"])


def _advance(
    session: TutorSession, steps: list[dict[str, Any]], context: PracticeContext, name: str
) -> list[str]:
    session.step_index += 1
    session.step_attempts = 0
    if session.step_index >= len(steps):
        session.script_done = True
        return [_closing(context, name)]
    return list(steps[session.step_index]["tutor_lines"])


# --- LLM ----------------------------------------------------------------------------------------


def live_prompt() -> TutorPromptTemplate:
    template = TutorPromptTemplate.objects.filter(live=True).order_by("name").first()
    if template is None:
        from .defaults import default_prompt

        return default_prompt()
    return template


def prompt_values(session: TutorSession, name: str) -> dict[str, str]:
    context = session.context
    return {
        "learner_name": name or "the learner",
        "tutor_name": session.avatar.name,
        "language": context.language,
        "accent": session.avatar.accent,
        "level": session.level,
        "context_title": context.title,
        "scenario": context.scenario,
        "goal": context.goal,
        "vocabulary": ", ".join(context.vocabulary_list) or "-",
        "suggested_responses": "\n".join(f"- {line}" for line in context.suggested_list) or "-",
    }


def llm_messages(
    session: TutorSession, name: str
) -> tuple[TutorPromptTemplate, list[dict[str, str]]]:
    template = live_prompt()
    system, opening = template.render(**prompt_values(session, name))
    messages = [{"role": "system", "content": system}, {"role": "user", "content": opening}]
    for turn in session.turns.exclude(failed=True).order_by("seq"):
        role = "assistant" if turn.speaker == Speaker.TUTOR else "user"
        text = turn.said.strip()
        if text:
            messages.append({"role": role, "content": text})
    return template, messages


def llm_stream(session: TutorSession, name: str, usage: dict[str, Any]) -> Iterator[str]:
    """Streams the reply's text deltas; fills ``usage`` (model, tokens, latency) at the end.
    Any failure of the model server becomes ``EngineUnavailable``."""
    template, messages = llm_messages(session, name)
    started = time.perf_counter()
    usage["model_name"] = template.model_name or setting("AI_LLM_MODEL") or "default"
    try:
        stream = client.llm_client().chat.completions.create(  # type: ignore[call-overload]
            model=usage["model_name"],
            messages=messages,
            temperature=float(template.temperature),
            max_tokens=template.max_tokens,
            stream=True,
            stream_options={"include_usage": True},
        )
        for chunk in stream:
            if chunk.usage is not None:
                usage["prompt_tokens"] = chunk.usage.prompt_tokens
                usage["completion_tokens"] = chunk.usage.completion_tokens
            if chunk.model:
                usage["model_name"] = chunk.model
            for choice in chunk.choices:
                delta = choice.delta.content if choice.delta else None
                if delta:
                    yield delta
    except openai.OpenAIError as exc:
        logger.warning("Tutor LLM failed: %s", exc)
        raise EngineUnavailable() from exc
    finally:
        usage["latency_ms"] = round((time.perf_counter() - started) * 1000)


def on_topic(session: TutorSession, turn: TutorTurn) -> bool:
    """LLM mode's stand-in for "fits the step": the answer shares a content word (lemma) with
    the tutor's last line or the context's vocabulary, or is a full sentence (≥ 4 words)."""
    language = session.language
    answer = {matching.lemma(w, language) for w in words(normalize(turn.text)) if len(w) > 2}
    if len(words(turn.text)) >= 4:
        return True
    last_tutor = (
        session.turns.filter(speaker=Speaker.TUTOR, seq__lt=turn.seq).order_by("-seq").first()
    )
    reference = " ".join([last_tutor.said if last_tutor else "", *session.context.vocabulary_list])
    wanted = {matching.lemma(w, language) for w in words(normalize(reference)) if len(w) > 2}
    return bool(answer & wanted)
