"""Sentence splitting for streaming speech, and answer matching (no database)."""

import pytest

from voice_tutor.matching import edit_distance, fits
from voice_tutor.text import sentences


@pytest.mark.parametrize(
    ("buffer", "done", "rest"),
    [
        ("Hello", [], "Hello"),
        ("Hello.", [], "Hello."),  # the stop may be a decimal point or "Mr.": wait for a space
        ("Hello. How", ["Hello."], "How"),
        ("Hi Sam! Where to? I", ["Hi Sam!", "Where to?"], "I"),
        ("Talk to Mr. Smith. Now", ["Talk to Mr. Smith."], "Now"),
        ("¿Qué quiere beber? Un", ["¿Qué quiere beber?"], "Un"),
        ("“Great.” Next", ["“Great.”"], "Next"),
        ("It costs 3.50 euros. Ok", ["It costs 3.50 euros."], "Ok"),
    ],
)
def test_sentences(buffer: str, done: list[str], rest: str) -> None:
    assert sentences(buffer) == (done, rest)


STEP = {
    "expected_keywords": ["window, seat", "aisle", "boarding pass"],
    "expected_patterns": [r"\bgate \d+"],
    "accept_any": False,
}


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("A WINDOW SEAT please", True),
        ("windw seats", True),  # one typo, a plural
        ("An aisel, please", True),  # swapped letters count as one typo
        ("Here's my boarding-pass", True),
        ("It's gate 22", True),
        ("A window, please", False),  # "seat" missing from that alternative
        ("I don't know", False),
        ("", False),
    ],
)
def test_fits(answer: str, expected: bool) -> None:
    assert fits(STEP, answer, "en") is expected


def test_accents_and_any_answer() -> None:
    step = {"expected_keywords": ["tarjeta", "efectivo"], "expected_patterns": []}
    assert fits(step, "En EFÉCTIVO", "es")
    assert fits({"accept_any": True}, "Sam", "en")
    assert edit_distance("aisle", "aisel", 1) == 1 and edit_distance("cat", "dog", 1) == 2
