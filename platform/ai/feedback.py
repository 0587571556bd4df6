"""Grammar and writing feedback, metered through ``run_metered``."""

import json
import re
from hashlib import sha256
from typing import Any

from django.core.cache import cache

from . import client, writing
from .features import Feature, per_thousand_chars
from .models import AISettings
from .selectors import live_prompt
from .services import Meter, Metered, run_metered

GRAMMAR_CACHE_SECONDS = 60 * 60


def check_grammar(
    user: Any, text: str, language: str, *, client_key: str | None = None
) -> Metered[dict[str, Any]]:
    """Edits (offset and length in code points) and the corrected text. The same text checked
    again (live suggestions re-check while the learner types) is served from the cache, free."""
    key = f"ai:grammar:{language}:{sha256(text.encode()).hexdigest()}"

    def call(meter: Meter) -> dict[str, Any]:
        meter.characters = len(text)
        found = cache.get(key)
        if found is not None:
            meter.cached = True
            meter.model_name = found["engine"]
            return found
        found = client.check_grammar(text, language)
        meter.model_name = str(found.get("engine", ""))
        meter.units = per_thousand_chars(text)
        result = {
            "language": found.get("language", language),
            "engine": found.get("engine", ""),
            "corrected_text": found.get("corrected_text", text),
            "edits": [
                {
                    "offset": edit["offset"],
                    "length": edit["length"],
                    "original": edit["original"],
                    "replacement": edit.get("replacement"),
                    "explanation": edit.get("message", ""),
                    "category": edit.get("category", ""),
                }
                for edit in found.get("edits", [])
            ],
        }
        cache.set(key, result, GRAMMAR_CACHE_SECONDS)
        return result

    return run_metered(user, Feature.GRAMMAR_CHECK, call, client_key=client_key)


_JSON_OBJECT = re.compile(r"\{.*\}", re.DOTALL)
SCORE_KEYS = ("grammar", "vocabulary_range", "coherence", "task_achievement")


def parse_assessment(content: str) -> dict[str, Any] | None:
    """Models wrap JSON in code fences or prose, use 0-10 or 0-5 scales, or lower-case
    levels: accept all of that, reject anything without the four scores."""
    match = _JSON_OBJECT.search(content.strip())
    if not match:
        return None
    try:
        data = json.loads(match.group(0))
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    raw_scores = data.get("scores", data)
    if not isinstance(raw_scores, dict):
        return None
    numbers: dict[str, float] = {}
    for key in SCORE_KEYS:
        try:
            numbers[key] = float(raw_scores.get(key))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
    top = max(numbers.values())
    factor = 20 if top <= 5 else 10 if top <= 10 else 1
    scores = {key: max(0, min(100, round(value * factor))) for key, value in numbers.items()}
    level = str(data.get("cefr_level") or data.get("level") or "").upper().strip()
    if level not in writing.CEFR_LEVELS:
        return None
    raw_comments = data.get("comments") or []
    if isinstance(raw_comments, str):
        raw_comments = [raw_comments]
    return {
        "scores": scores,
        "cefr_level": level,
        "comments": [str(c) for c in raw_comments if str(c).strip()][:10],
    }


def assess_writing(
    user: Any,
    text: str,
    task: str,
    level: str,
    language: str = "en",
    *,
    client_key: str | None = None,
) -> Metered[dict[str, Any]]:
    use_llm = AISettings.load().writing_feedback_uses_llm and client.llm_available()

    def call(meter: Meter) -> dict[str, Any]:
        meter.characters = len(text)
        meter.units = 1  # type: ignore[assignment]
        fallback_reason = "" if use_llm else "No language model is configured."
        if use_llm:
            template = live_prompt(Feature.WRITING_FEEDBACK)
            system, user_message = template.render(
                language=language, level=level, task=task, text=text
            )
            answer = client.chat(
                [{"role": "system", "content": system}, {"role": "user", "content": user_message}],
                model=template.model_name,
                temperature=float(template.temperature),
                json_answer=True,
            )
            meter.model_name = answer.model
            meter.prompt_tokens = answer.prompt_tokens
            meter.completion_tokens = answer.completion_tokens
            parsed = parse_assessment(answer.content)
            if parsed is not None:
                return {**parsed, "mode": "llm", "model": answer.model}
            fallback_reason = "The language model's answer could not be read."
        lints = 0
        if language.startswith("en"):
            lints = len(client.check_grammar(text, language).get("edits", []))
            meter.model_name = meter.model_name or "harper+heuristics"
        measures = writing.measure(text, lints, task)
        scores = writing.score(measures, level)
        return {
            "scores": scores,
            "cefr_level": writing.estimate_level(scores, measures),
            "comments": writing.comments(scores, measures, level),
            "mode": "heuristic",
            "fallback_reason": fallback_reason,
            "measures": measures.__dict__,
        }

    return run_metered(user, Feature.WRITING_FEEDBACK, call, client_key=client_key)
