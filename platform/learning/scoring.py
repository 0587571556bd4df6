"""Pure scoring: one function per exercise type, from the exercise's definition (with its
answers, see cms.learning.blocks) and the learner's answer, to a ScoreResult.

No database, no settings: these are tested exhaustively on plain data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018`\u00b4", "'"))


def normalize_text(text: str, *, ignore_accents: bool = False) -> str:
    """Tolerant form for comparison: case, spacing and punctuation never matter; accents only
    when ``ignore_accents``. "  I'M, here! " and "im here" are equal."""
    # Apostrophes glue words ("I'm" → "im"); other punctuation separates them.
    text = unicodedata.normalize("NFKC", text).translate(APOSTROPHES).casefold().replace("'", "")
    if ignore_accents:
        text = "".join(
            char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char)
        )
    text = "".join(" " if unicodedata.category(char).startswith("P") else char for char in text)
    text = re.sub(r"\s+", " ", text).strip()
    return unicodedata.normalize("NFC", text)


def texts_match(given: str, accepted: str, *, ignore_accents: bool = False) -> bool:
    return normalize_text(given, ignore_accents=ignore_accents) == normalize_text(
        accepted, ignore_accents=ignore_accents
    )


@dataclass(frozen=True)
class ScoreResult:
    score: float  # 0..1
    correct: bool
    items: list[dict[str, Any]] = field(default_factory=list)
    feedback: str = ""
    explanation: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class AnswerErrors(Exception):
    """The answer does not fit the exercise: per-field messages, e.g. {"choices": [...]}."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


def _feedback(definition: dict[str, Any], correct: bool) -> str:
    return definition["feedback_correct"] if correct else definition["feedback_incorrect"]


def _require_mapping(
    answer: Any, key: str, expected_keys: list[str], values: set[str] | None
) -> dict[str, Any]:
    value = answer.get(key) if isinstance(answer, dict) else None
    if not isinstance(value, dict):
        raise AnswerErrors({key: ["Send an object keyed by id."]})
    errors = []
    missing = [k for k in expected_keys if k not in value]
    unknown = [k for k in value if k not in expected_keys]
    if missing:
        errors.append(f"Missing: {', '.join(missing)}.")
    if unknown:
        errors.append(f"Unknown ids: {', '.join(map(str, unknown))}.")
    for item in value.values():
        if values is None and not isinstance(item, str):
            errors.append("Every value must be text.")
            break
        if values is not None and item not in values:
            errors.append(f"Unknown id: {item}.")
            break
    if errors:
        raise AnswerErrors({key: errors})
    return value


def score_multiple_choice(definition: dict[str, Any], answer: Any) -> ScoreResult:
    chosen = answer.get("choices") if isinstance(answer, dict) else None
    ids = {choice["id"] for choice in definition["choices"]}
    if not isinstance(chosen, list) or not chosen or not all(isinstance(c, str) for c in chosen):
        raise AnswerErrors({"choices": ["Choose at least one option (a list of choice ids)."]})
    if len(set(chosen)) != len(chosen):
        raise AnswerErrors({"choices": ["A choice is listed twice."]})
    if unknown := [c for c in chosen if c not in ids]:
        raise AnswerErrors({"choices": [f"Unknown choice: {', '.join(unknown)}."]})
    if not definition["multiple"] and len(chosen) != 1:
        raise AnswerErrors({"choices": ["Choose exactly one option."]})
    correct_ids = {choice["id"] for choice in definition["choices"] if choice["correct"]}
    right = len(correct_ids & set(chosen))
    wrong = len(set(chosen) - correct_ids)
    score = max(0.0, (right - wrong) / len(correct_ids))
    correct = set(chosen) == correct_ids
    return ScoreResult(
        score=score,
        correct=correct,
        items=[{"id": c, "correct": c in correct_ids} for c in chosen],
        feedback=_feedback(definition, correct),
        explanation=definition["explanation"],
    )


def score_fill_blank(definition: dict[str, Any], answer: Any) -> ScoreResult:
    blank_ids = [blank["id"] for blank in definition["blanks"]]
    given = _require_mapping(answer, "blanks", blank_ids, None)
    items = [
        {
            "id": blank["id"],
            "correct": any(
                texts_match(
                    given[blank["id"]], accepted, ignore_accents=definition["ignore_accents"]
                )
                for accepted in blank["answers"]
            ),
        }
        for blank in definition["blanks"]
    ]
    return _fraction(definition, items)


def score_ordering(definition: dict[str, Any], answer: Any) -> ScoreResult:
    expected = [item["id"] for item in definition["items"]]
    order = answer.get("order") if isinstance(answer, dict) else None
    if not isinstance(order, list) or sorted(map(str, order)) != sorted(expected):
        raise AnswerErrors({"order": ["Send every item id exactly once, in your order."]})
    items = [
        {"id": item_id, "correct": item_id == expected[position]}
        for position, item_id in enumerate(order)
    ]
    return _fraction(definition, items)


def score_matching(definition: dict[str, Any], answer: Any) -> ScoreResult:
    lefts = [pair["left"]["id"] for pair in definition["pairs"]]
    rights = {pair["right"]["id"] for pair in definition["pairs"]}
    given = _require_mapping(answer, "matches", lefts, rights)
    items = [
        {"id": pair["left"]["id"], "correct": given[pair["left"]["id"]] == pair["right"]["id"]}
        for pair in definition["pairs"]
    ]
    return _fraction(definition, items)


def score_drag_words(definition: dict[str, Any], answer: Any) -> ScoreResult:
    gap_ids = [gap["id"] for gap in definition["gaps"]]
    words = {word["id"]: word["text"] for word in definition["words"]}
    given = _require_mapping(answer, "gaps", gap_ids, set(words))
    # Compare words, not ids: the same word may appear twice in the bank.
    items = [
        {"id": gap["id"], "correct": texts_match(words[given[gap["id"]]], gap["answer"])}
        for gap in definition["gaps"]
    ]
    return _fraction(definition, items)


def score_voice(definition: dict[str, Any], assessment: dict[str, Any]) -> ScoreResult:
    """From the ML service's pronunciation assessment (scores 0..100)."""
    pronunciation = float(assessment["scores"]["pronunciation"])
    correct = pronunciation >= definition["pass_score"]
    return ScoreResult(
        score=max(0.0, min(1.0, pronunciation / 100)),
        correct=correct,
        items=[
            {
                "expected": word.get("expected"),
                "recognized": word.get("recognized"),
                "score": word.get("score"),
                "error": word.get("error"),
            }
            for word in assessment.get("words", [])
        ],
        feedback=_feedback(definition, correct),
    )


def _fraction(definition: dict[str, Any], items: list[dict[str, Any]]) -> ScoreResult:
    right = sum(1 for item in items if item["correct"])
    correct = right == len(items)
    return ScoreResult(
        score=right / len(items) if items else 0.0,
        correct=correct,
        items=items,
        feedback=_feedback(definition, correct),
    )


SCORERS: dict[str, Callable[[dict[str, Any], Any], ScoreResult]] = {
    "multiple_choice": score_multiple_choice,
    "fill_blank": score_fill_blank,
    "ordering": score_ordering,
    "matching": score_matching,
    "drag_words": score_drag_words,
}


def score_answer(definition: dict[str, Any], answer: Any) -> ScoreResult:
    """Scores any exercise answered in JSON (every type but voice)."""
    return SCORERS[definition["type"]](definition, answer)
