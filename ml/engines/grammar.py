"""Grammar checking: harper's English rules offline (an LLM may cover other languages)."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import harper

from ml.lazy import LazyMap

DIALECTS = {
    "en": harper.Dialect.AMERICAN,
    "en-us": harper.Dialect.AMERICAN,
    "en-gb": harper.Dialect.BRITISH,
    "en-au": harper.Dialect.AUSTRALIAN,
    "en-ca": harper.Dialect.CANADIAN,
    "en-in": harper.Dialect.INDIAN,
}


@dataclass(frozen=True)
class Edit:
    offset: int  # code points
    length: int
    original: str
    replacement: str | None
    message: str
    category: str
    rule: str


def supported(language: str) -> bool:
    return language.lower().replace("_", "-") in DIALECTS


class HarperChecker:
    """One Linter per dialect; a Linter is not thread-safe, so calls are serialised per linter
    (construction is the expensive part, linting a sentence takes milliseconds)."""

    def __init__(self) -> None:
        self._linters: LazyMap[tuple[harper.Linter, threading.Lock]] = LazyMap(
            lambda key: (harper.Linter(DIALECTS[key]), threading.Lock())
        )

    def check(self, text: str, language: str) -> list[Edit]:
        linter, lock = self._linters.get(language.lower().replace("_", "-"))
        with lock:
            lints = linter.lint(text, language=harper.Language.PLAINTEXT)
        edits = []
        for lint in sorted(lints, key=lambda item: item.span.start):
            suggestion = lint.suggestions[0] if lint.suggestions else None
            replacement: str | None = None
            if suggestion is not None:
                if suggestion.kind == harper.SuggestionKind.REMOVE:
                    replacement = ""
                elif suggestion.kind == harper.SuggestionKind.INSERT_AFTER:
                    replacement = lint.problem_text + suggestion.replacement_text
                else:
                    replacement = suggestion.replacement_text
            edits.append(
                Edit(
                    offset=lint.span.start,
                    length=lint.span.end - lint.span.start,
                    original=lint.problem_text,
                    replacement=replacement,
                    message=lint.message,
                    category=lint.lint_kind,
                    rule=lint.lint_kind_pretty,
                )
            )
        return edits


def apply_edits(text: str, edits: list[Edit]) -> str:
    """The corrected text: every edit with a replacement, applied right to left."""
    result = text
    last_start = len(text) + 1
    for edit in sorted(edits, key=lambda e: e.offset, reverse=True):
        if edit.replacement is None or edit.offset + edit.length > last_start:
            continue
        result = result[: edit.offset] + edit.replacement + result[edit.offset + edit.length :]
        last_start = edit.offset
    return result
