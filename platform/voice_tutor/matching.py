"""Does a learner's answer fit a guided step? Keywords (all words of one alternative), regular
expressions, or any answer of a few words; tolerant to case, accents, small typos and
inflection (a keyword's lemma matches the answer's lemmas: "flights" fits "flight")."""

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import simplemma

from .text import normalize


@lru_cache(maxsize=4096)
def lemma(word: str, language: str) -> str:
    try:
        return normalize(simplemma.lemmatize(word, lang=language.split("-")[0]))
    except ValueError:  # a language simplemma does not know
        return word


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two letters counts as one typo),
    stopping early once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        rows = [rows[-1], row]
    return rows[-1][-1]


def typo_budget(word: str) -> int:
    if len(word) <= 3:
        return 0
    if len(word) <= 7:
        return 1
    return 2


def _word_found(keyword: str, tokens: list[str], lemmas: set[str], language: str) -> bool:
    if keyword in tokens or lemma(keyword, language) in lemmas:
        return True
    budget = typo_budget(keyword)
    return budget > 0 and any(edit_distance(keyword, token, budget) <= budget for token in tokens)


def keyword_found(keyword: str, answer: str, language: str) -> bool:
    """A multi-word keyword must appear as a phrase (each word typo-tolerant, in order)."""
    wanted = normalize(keyword).split()
    tokens = answer.split()
    if not wanted:
        return False
    lemmas = {lemma(token, language) for token in tokens}
    if len(wanted) == 1:
        return _word_found(wanted[0], tokens, lemmas, language)
    if " ".join(wanted) in answer:
        return True
    for start in range(len(tokens) - len(wanted) + 1):
        window = tokens[start : start + len(wanted)]
        if all(
            _word_found(word, [token], {lemma(token, language)}, language)
            for word, token in zip(wanted, window, strict=True)
        ):
            return True
    return False


def alternatives(step: dict[str, Any]) -> Iterable[list[str]]:
    for item in step.get("expected_keywords") or []:
        keywords = [part.strip() for part in str(item).split(",") if part.strip()]
        if keywords:
            yield keywords


def fits(step: dict[str, Any], answer: str, language: str) -> bool:
    normalized = normalize(answer)
    if not normalized:
        return False
    for keywords in alternatives(step):
        if all(keyword_found(keyword, normalized, language) for keyword in keywords):
            return True
    for pattern in step.get("expected_patterns") or []:
        if not str(pattern).strip():
            continue
        try:
            if re.search(pattern, normalized) or re.search(pattern, answer.lower()):
                return True
        except re.error:
            continue
    return bool(step.get("accept_any"))
