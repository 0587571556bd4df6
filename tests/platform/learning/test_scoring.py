"""Pure scoring functions, per exercise type, on the definitions the blocks produce."""

import pytest

from cms.learning.blocks import (
    DragWordsBlock,
    FillInBlankBlock,
    MatchingBlock,
    MultipleChoiceBlock,
    OrderingBlock,
    VoiceResponseBlock,
)
from learning.scoring import AnswerErrors, normalize_text, score_answer, score_voice, texts_match

COMMON = {"points": 2, "hints": [], "feedback_correct": "Yes!", "feedback_incorrect": "No."}


def definition(block_class, **value):
    block = block_class()
    return block.definition(block.to_python({**COMMON, **value}))


@pytest.mark.parametrize(
    ("given", "accepted", "ignore_accents", "match"),
    [
        ("  Hello,   WORLD! ", "hello world", False, True),
        ("I'm", "Im", False, True),
        ("I\u2019m here.", "i'm here", False, True),
        ("cafe", "café", False, False),
        ("cafe", "café", True, True),
        ("CAFÉ", "café", False, True),
        ("hello-world", "hello world", False, True),
        ("hello", "help", False, False),
    ],
)
def test_tolerant_matching(given, accepted, ignore_accents, match) -> None:
    assert texts_match(given, accepted, ignore_accents=ignore_accents) is match


def test_normalize_keeps_letters_of_every_script() -> None:
    assert normalize_text("¿Dónde está?") == "dónde está"
    assert normalize_text("Straße", ignore_accents=True) == "strasse"


def test_multiple_choice_single_and_several() -> None:
    single = definition(
        MultipleChoiceBlock,
        question="Q",
        choices=[{"text": "A", "is_correct": True}, {"text": "B", "is_correct": False}],
        explanation="Because.",
    )
    right, wrong = (c["id"] for c in single["choices"])
    result = score_answer(single, {"choices": [right]})
    assert (result.score, result.correct, result.feedback, result.explanation) == (
        1.0,
        True,
        "Yes!",
        "Because.",
    )
    assert score_answer(single, {"choices": [wrong]}).score == 0.0
    with pytest.raises(AnswerErrors) as error:
        score_answer(single, {"choices": [right, wrong]})
    assert "choices" in error.value.errors

    several = definition(
        MultipleChoiceBlock,
        question="Q",
        choices=[
            {"text": "A", "is_correct": True},
            {"text": "B", "is_correct": True},
            {"text": "C", "is_correct": False},
        ],
    )
    a, b, c = (choice["id"] for choice in several["choices"])
    assert several["multiple"]
    assert score_answer(several, {"choices": [a, b]}).correct
    half = score_answer(several, {"choices": [a]})
    assert (half.score, half.correct) == (0.5, False)
    assert score_answer(several, {"choices": [a, c]}).score == 0.0, (
        "a wrong pick cancels a right one"
    )


def test_fill_blank_with_alternatives_and_accents() -> None:
    exercise = definition(
        FillInBlankBlock, instructions="", text="I [[am|'m]] from [[España]].", ignore_accents=True
    )
    result = score_answer(exercise, {"blanks": {"b1": " 'M ", "b2": "espana"}})
    assert result.correct and result.score == 1.0
    partial = score_answer(exercise, {"blanks": {"b1": "is", "b2": "España!"}})
    assert partial.score == 0.5
    assert partial.items == [{"id": "b1", "correct": False}, {"id": "b2", "correct": True}]
    strict = definition(FillInBlankBlock, instructions="", text="[[España]]", ignore_accents=False)
    assert not score_answer(strict, {"blanks": {"b1": "Espana"}}).correct
    with pytest.raises(AnswerErrors) as error:
        score_answer(exercise, {"blanks": {"b1": "am"}})
    assert error.value.errors["blanks"] == ["Missing: b2."]


def test_ordering() -> None:
    exercise = definition(OrderingBlock, instructions="", items=["one", "two", "three"])
    ids = [item["id"] for item in exercise["items"]]
    assert score_answer(exercise, {"order": ids}).correct
    swapped = score_answer(exercise, {"order": [ids[1], ids[0], ids[2]]})
    assert swapped.score == pytest.approx(1 / 3)
    with pytest.raises(AnswerErrors):
        score_answer(exercise, {"order": ids[:2]})


def test_matching() -> None:
    exercise = definition(
        MatchingBlock,
        instructions="",
        pairs=[{"left": "apple", "right": "manzana"}, {"left": "bread", "right": "pan"}],
    )
    (l1, r1), (l2, r2) = ((p["left"]["id"], p["right"]["id"]) for p in exercise["pairs"])
    assert score_answer(exercise, {"matches": {l1: r1, l2: r2}}).correct
    assert score_answer(exercise, {"matches": {l1: r2, l2: r1}}).score == 0.0
    with pytest.raises(AnswerErrors):
        score_answer(exercise, {"matches": {l1: "nope", l2: r2}})


def test_drag_words_compares_words_not_ids() -> None:
    exercise = definition(
        DragWordsBlock, instructions="", text="[[the]] cat and [[the]] dog", distractors=["a"]
    )
    the_first, the_second, a = (w["id"] for w in exercise["words"])
    gap1, gap2 = (g["id"] for g in exercise["gaps"])
    assert score_answer(exercise, {"gaps": {gap1: the_second, gap2: the_first}}).correct
    assert score_answer(exercise, {"gaps": {gap1: a, gap2: the_first}}).score == 0.5
    with pytest.raises(AnswerErrors):
        score_answer(exercise, {"gaps": "the"})


def test_voice_from_an_assessment() -> None:
    exercise = definition(
        VoiceResponseBlock,
        prompt="Say it",
        expected_text="Good morning",
        language="en",
        show_text=True,
        pass_score=70,
    )
    assessment = {
        "scores": {"pronunciation": 82.0},
        "words": [{"expected": "good", "recognized": "good", "score": 90, "error": None}],
    }
    result = score_voice(exercise, assessment)
    assert (result.score, result.correct) == (0.82, True)
    assert not score_voice(exercise, {"scores": {"pronunciation": 40}, "words": []}).correct
