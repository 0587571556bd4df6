"""Challenge material the server prepares for a card, and how an answer becomes an FSRS rating.

Word chips: a phrase of three words or more (the word itself, its example sentence, or its
translation), cut into words, shuffled with a few distractor words from the learner's own bank.
The shuffle is done here, once, so the page's server-drawn first card and review.js show the
same chips (the script uses the list as given).

Say-it: the ML service's pronunciation score (0-100) mapped to a rating.
"""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Word
    from .selectors import PoolWord

MIN_CHIP_WORDS = 3
MAX_CHIP_WORDS = 12
DISTRACTOR_CHIPS = 3

# Words as chips: letters, digits and the apostrophes/hyphens inside a word; punctuation goes
# (answers are compared with the lessons' tolerant matching, which ignores it).
APOSTROPHES = "'\u2019"  # straight and typographic
_WORD = re.compile(rf"[\w{APOSTROPHES}-]+")

# FSRS ratings (fsrs.Rating values).
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4

# Say-it: pronunciation score below each bound → rating.
SAY_BOUNDS = ((50.0, AGAIN), (70.0, HARD), (90.0, GOOD))

FAST_MS = 3000  # as review.js's FAST_MS
SLOW_MS = 20000  # as review.js's SLOW_MS


def words_of(text: str) -> list[str]:
    return [
        match.group(0).strip(APOSTROPHES + "-") or match.group(0) for match in _WORD.finditer(text)
    ]


def chips_for(word: Word, pool: list[PoolWord]) -> dict[str, Any] | None:
    """The chips challenge for this word, or None when it has no phrase of 3-12 words.

    What is built, in order of preference: the word itself when it is a phrase (shown: its
    translation), its example sentence (shown: the word and its translation), or its
    translation when that is a phrase (shown: the word)."""
    target, prompt = "", ""
    for candidate, shown in (
        ("word", word.translation),
        ("example", f"{word.text} — {word.translation}" if word.translation else word.text),
        ("translation", word.text),
    ):
        text = {"word": word.text, "example": word.example, "translation": word.translation}[
            candidate
        ]
        if MIN_CHIP_WORDS <= len(words_of(text)) <= MAX_CHIP_WORDS and shown:
            target, prompt = candidate, shown
            break
    if not target:
        return None
    answer = words_of(
        {"word": word.text, "example": word.example, "translation": word.translation}[target]
    )
    seen = {item.casefold() for item in answer}
    distractors: list[str] = []
    same_language = [item for item in pool if item.language == word.language]
    for item in sorted(same_language, key=lambda item: item.word_id):
        if item.word_id == word.pk:
            continue
        source = item.translation if target == "translation" else item.text
        for candidate in words_of(source):
            if candidate.casefold() not in seen and len(distractors) < DISTRACTOR_CHIPS:
                seen.add(candidate.casefold())
                distractors.append(candidate)
        if len(distractors) == DISTRACTOR_CHIPS:
            break
    chips = [*answer, *distractors]
    random.Random(word.pk).shuffle(chips)  # noqa: S311 - a fixed shuffle, not a secret
    if chips == [*answer, *distractors] and len(answer) > 1:
        chips = chips[1:] + chips[:1]  # never hand over the answer already in order
    return {"target": target, "prompt": prompt, "chips": chips, "length": len(answer)}


def rating_for_answer(*, right: bool, took_ms: float, hinted: bool = False) -> int:
    """An answer to a checked challenge (type, listen, choice, chips): wrong → Again; slow or
    with a hint → Hard; right → Good; fast and sure → Easy. review.js applies the same rule."""
    if not right:
        return AGAIN
    if hinted or took_ms > SLOW_MS:
        return HARD
    return EASY if took_ms < FAST_MS else GOOD


def rating_for_score(score: float) -> int:
    """Say-it: the pronunciation score (0-100) → rating: < 50 Again, < 70 Hard, < 90 Good,
    else Easy."""
    for bound, rating in SAY_BOUNDS:
        if score < bound:
            return rating
    return EASY
