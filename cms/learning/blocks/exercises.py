"""Exercise blocks of a lesson. Each describes itself with the answers (``definition``, for
scoring) and without anything that gives an answer away (``public_representation``, for the
API and the templates); see the package's docstring."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

from django.conf import settings
from wagtail import blocks

from .common import TARGET_LANGUAGES, collect_strings, struct_error

GAP_PATTERN = re.compile(r"\[\[(.*?)\]\]")


def opaque_id(kind: str, index: int, text: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{kind}:{index}:{text}".encode(), hashlib.sha256
    )
    return digest.hexdigest()[:10]


def split_gaps(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Splits ``"I [[am|'m]] here"`` into segments and the raw content of each gap."""
    segments: list[dict[str, Any]] = []
    gaps: list[str] = []
    position = 0
    for match in GAP_PATTERN.finditer(text):
        if match.start() > position:
            segments.append({"text": text[position : match.start()]})
        segments.append({"gap": len(gaps)})
        gaps.append(match.group(1))
        position = match.end()
    if position < len(text):
        segments.append({"text": text[position:]})
    return segments, gaps


def gap_syntax_errors(text: str, *, alternatives: bool) -> list[str]:
    errors = []
    outside = GAP_PATTERN.sub("", text)
    if "[[" in outside or "]]" in outside:
        errors.append("A gap is not closed: write each one as [[answer]].")
    _, gaps = split_gaps(text)
    if not gaps:
        errors.append("Add at least one gap, written as [[answer]].")
    for number, gap in enumerate(gaps, 1):
        options = [option.strip() for option in gap.split("|")]
        if not alternatives and len(options) > 1:
            errors.append(f"Gap {number} has alternatives; here each gap takes one word.")
        if any(not option for option in options):
            errors.append(f"Gap {number} has an empty answer.")
    return errors


class ExerciseBlock(blocks.StructBlock):
    """Common to every exercise: points, hints and feedback, listed after the exercise's own
    fields in the editor."""

    exercise_type = ""
    COMMON = ("points", "hints", "feedback_correct", "feedback_incorrect")

    points = blocks.IntegerBlock(default=1, min_value=0, max_value=100)
    hints = blocks.ListBlock(
        blocks.CharBlock(max_length=250), required=False, default=[], help_text="Shown on request."
    )
    feedback_correct = blocks.CharBlock(max_length=300, required=False)
    feedback_incorrect = blocks.CharBlock(max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = {name: block for name, block in self.child_blocks.items() if name not in self.COMMON}
        common = {name: self.child_blocks[name] for name in self.COMMON}
        self.child_blocks = {**own, **common}

    def common_definition(self, value: Any) -> dict[str, Any]:
        return {
            "type": self.exercise_type,
            "points": value["points"] or 0,
            "hints": [hint for hint in value["hints"] if hint],
            "feedback_correct": value["feedback_correct"],
            "feedback_incorrect": value["feedback_incorrect"],
        }

    def definition(self, value: Any) -> dict[str, Any]:
        raise NotImplementedError

    def public_representation(self, value: Any) -> dict[str, Any]:
        raise NotImplementedError

    def public_common(self, value: Any) -> dict[str, Any]:
        definition = self.common_definition(value)
        return {
            "type": definition["type"],
            "points": definition["points"],
            "hints": definition["hints"],
        }

    def get_api_representation(self, value: Any, context: Any = None) -> dict[str, Any]:
        return self.public_representation(value)

    def get_searchable_content(self, value: Any) -> list[str]:
        # Index only what learners see: a search must not find a lesson by its answers.
        return [text for text in collect_strings(self.public_representation(value)) if text]

    def get_context(self, value: Any, parent_context: Any = None) -> dict[str, Any]:
        context = super().get_context(value, parent_context)
        context["exercise"] = self.public_representation(value)
        return context


class ChoiceBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=250)
    is_correct = blocks.BooleanBlock(required=False)


class MultipleChoiceBlock(ExerciseBlock):
    exercise_type = "multiple_choice"

    question = blocks.CharBlock(max_length=300)
    choices = blocks.ListBlock(ChoiceBlock(), min_num=2, max_num=10)
    explanation = blocks.TextBlock(required=False, help_text="Shown after the learner answers.")

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not any(choice["is_correct"] for choice in value["choices"]):
            raise struct_error("choices", "Mark at least one choice as correct.")
        texts = [choice["text"].strip().casefold() for choice in value["choices"]]
        if len(set(texts)) != len(texts):
            raise struct_error("choices", "Two choices have the same text.")
        return value

    def definition(self, value: Any) -> dict[str, Any]:
        choices = [
            {
                "id": opaque_id("choice", index, choice["text"]),
                "text": choice["text"],
                "correct": bool(choice["is_correct"]),
            }
            for index, choice in enumerate(value["choices"])
        ]
        return {
            **self.common_definition(value),
            "question": value["question"],
            "choices": choices,
            "multiple": sum(choice["correct"] for choice in choices) > 1,
            "explanation": value["explanation"],
        }

    def public_representation(self, value: Any) -> dict[str, Any]:
        definition = self.definition(value)
        return {
            **self.public_common(value),
            "question": definition["question"],
            # "Select all that apply" is part of the question, not of its answer.
            "multiple": definition["multiple"],
            "choices": [{"id": c["id"], "text": c["text"]} for c in definition["choices"]],
        }

    class Meta:
        icon = "radio-full"
        template = "blocks/learning/multiple_choice_block.html"
        description = "A question with one or several correct choices and an explanation."
        preview_value = {
            "question": "How do you greet someone in the morning?",
            "choices": [
                {"text": "Good morning", "is_correct": True},
                {"text": "Good night", "is_correct": False},
            ],
            "points": 1,
        }


class FillInBlankBlock(ExerciseBlock):
    exercise_type = "fill_blank"

    instructions = blocks.CharBlock(max_length=300, default="Fill in the blanks.")
    text = blocks.TextBlock(
        help_text="Write each blank as [[answer]]; separate accepted answers with |, "
        "e.g. I [[am|'m]] from Spain."
    )
    ignore_accents = blocks.BooleanBlock(
        required=False, help_text="Accept answers typed without accents (cafe for café)."
    )

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        errors = gap_syntax_errors(value["text"], alternatives=True)
        if errors:
            raise struct_error("text", " ".join(errors))
        return value

    def definition(self, value: Any) -> dict[str, Any]:
        segments, gaps = split_gaps(value["text"])
        return {
            **self.common_definition(value),
            "instructions": value["instructions"],
            "segments": [
                {"blank": f"b{s['gap'] + 1}"} if "gap" in s else {"text": s["text"]}
                for s in segments
            ],
            "blanks": [
                {"id": f"b{index + 1}", "answers": [a.strip() for a in gap.split("|")]}
                for index, gap in enumerate(gaps)
            ],
            "ignore_accents": bool(value["ignore_accents"]),
        }

    def public_representation(self, value: Any) -> dict[str, Any]:
        definition = self.definition(value)
        return {
            **self.public_common(value),
            "instructions": definition["instructions"],
            "segments": definition["segments"],
            "blanks": [{"id": blank["id"]} for blank in definition["blanks"]],
        }

    class Meta:
        icon = "form"
        template = "blocks/learning/fill_in_blank_block.html"
        description = "Text with blanks; each blank accepts one or more answers."
        preview_value = {
            "instructions": "Complete the sentence.",
            "text": "Nice to [[meet]] you. I [[am|'m]] Anna.",
            "points": 2,
        }


class VoiceResponseBlock(ExerciseBlock):
    exercise_type = "voice"

    prompt = blocks.CharBlock(max_length=300)
    expected_text = blocks.CharBlock(max_length=500, help_text="What the learner should say.")
    language = blocks.ChoiceBlock(choices=TARGET_LANGUAGES, default="en")
    show_text = blocks.BooleanBlock(
        required=False,
        default=True,
        help_text="Read aloud: show the expected text. Untick when saying it is the task.",
    )
    pass_score = blocks.IntegerBlock(
        default=60, min_value=0, max_value=100, help_text="Pronunciation score (0 to 100) to pass."
    )

    def definition(self, value: Any) -> dict[str, Any]:
        return {
            **self.common_definition(value),
            "prompt": value["prompt"],
            "expected_text": value["expected_text"],
            "language": value["language"],
            "show_text": bool(value["show_text"]),
            "pass_score": value["pass_score"] if value["pass_score"] is not None else 60,
        }

    def public_representation(self, value: Any) -> dict[str, Any]:
        definition = self.definition(value)
        public = {
            **self.public_common(value),
            "prompt": definition["prompt"],
            "language": definition["language"],
        }
        if definition["show_text"]:
            # In a read-aloud exercise the text is the question itself.
            public["text_to_read"] = definition["expected_text"]
        return public

    class Meta:
        icon = "microphone"
        template = "blocks/learning/voice_response_block.html"
        description = "The learner records an answer, scored by pronunciation assessment."
        preview_value = {
            "prompt": "Read this sentence aloud.",
            "expected_text": "Good morning, how are you?",
            "language": "en",
            "show_text": True,
        }


class OrderingBlock(ExerciseBlock):
    exercise_type = "ordering"

    instructions = blocks.CharBlock(max_length=300, default="Put these in the right order.")
    items = blocks.ListBlock(
        blocks.CharBlock(max_length=200), min_num=2, max_num=12, help_text="In the correct order."
    )

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if len({item.strip().casefold() for item in value["items"]}) != len(value["items"]):
            raise struct_error("items", "Two items have the same text.")
        return value

    def definition(self, value: Any) -> dict[str, Any]:
        return {
            **self.common_definition(value),
            "instructions": value["instructions"],
            "items": [
                {"id": opaque_id("order", index, text), "text": text}
                for index, text in enumerate(value["items"])
            ],
        }

    def public_representation(self, value: Any) -> dict[str, Any]:
        definition = self.definition(value)
        return {
            **self.public_common(value),
            "instructions": definition["instructions"],
            "items": sorted(definition["items"], key=lambda item: item["id"]),
        }

    class Meta:
        icon = "order"
        template = "blocks/learning/ordering_block.html"
        description = "Drag items into the right order (with keyboard buttons too)."
        preview_value = {
            "instructions": "Order the greetings from morning to night.",
            "items": ["Good morning", "Good afternoon", "Good evening"],
        }


class PairBlock(blocks.StructBlock):
    left = blocks.CharBlock(max_length=200)
    right = blocks.CharBlock(max_length=200)


class MatchingBlock(ExerciseBlock):
    exercise_type = "matching"

    instructions = blocks.CharBlock(max_length=300, default="Match each item with its pair.")
    pairs = blocks.ListBlock(PairBlock(), min_num=2, max_num=12)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        for side in ("left", "right"):
            texts = [pair[side].strip().casefold() for pair in value["pairs"]]
            if len(set(texts)) != len(texts):
                raise struct_error("pairs", f"Two pairs have the same {side} side.")
        return value

    def definition(self, value: Any) -> dict[str, Any]:
        return {
            **self.common_definition(value),
            "instructions": value["instructions"],
            "pairs": [
                {
                    "left": {"id": opaque_id("left", index, pair["left"]), "text": pair["left"]},
                    "right": {
                        "id": opaque_id("right", index, pair["right"]),
                        "text": pair["right"],
                    },
                }
                for index, pair in enumerate(value["pairs"])
            ],
        }

    def public_representation(self, value: Any) -> dict[str, Any]:
        definition = self.definition(value)
        return {
            **self.public_common(value),
            "instructions": definition["instructions"],
            "left": [pair["left"] for pair in definition["pairs"]],
            "right": sorted((pair["right"] for pair in definition["pairs"]), key=lambda r: r["id"]),
        }

    class Meta:
        icon = "link"
        template = "blocks/learning/matching_block.html"
        description = "Match pairs, e.g. words with translations (drag, or pick from a list)."
        preview_value = {
            "instructions": "Match the words with their translations.",
            "pairs": [{"left": "apple", "right": "manzana"}, {"left": "bread", "right": "pan"}],
        }


class DragWordsBlock(ExerciseBlock):
    exercise_type = "drag_words"

    instructions = blocks.CharBlock(max_length=300, default="Drag the words into the gaps.")
    text = blocks.TextBlock(help_text="Write each gap as [[word]], e.g. I [[drink]] coffee.")
    distractors = blocks.ListBlock(
        blocks.CharBlock(max_length=100), required=False, default=[], help_text="Wrong words."
    )

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        errors = gap_syntax_errors(value["text"], alternatives=False)
        if errors:
            raise struct_error("text", " ".join(errors))
        return value

    def definition(self, value: Any) -> dict[str, Any]:
        segments, gaps = split_gaps(value["text"])
        answers = [gap.strip() for gap in gaps]
        words = [*answers, *(word for word in value["distractors"] if word)]
        return {
            **self.common_definition(value),
            "instructions": value["instructions"],
            "segments": [
                {"gap": f"g{s['gap'] + 1}"} if "gap" in s else {"text": s["text"]} for s in segments
            ],
            "gaps": [
                {"id": f"g{index + 1}", "answer": answer} for index, answer in enumerate(answers)
            ],
            "words": [
                {"id": opaque_id("word", index, word), "text": word}
                for index, word in enumerate(words)
            ],
        }

    def public_representation(self, value: Any) -> dict[str, Any]:
        definition = self.definition(value)
        return {
            **self.public_common(value),
            "instructions": definition["instructions"],
            "segments": definition["segments"],
            "gaps": [{"id": gap["id"]} for gap in definition["gaps"]],
            "words": sorted(definition["words"], key=lambda word: word["id"]),
        }

    class Meta:
        icon = "draft"
        template = "blocks/learning/drag_words_block.html"
        description = "Drag words from a word bank into gaps in a text."
        preview_value = {
            "instructions": "Complete the order.",
            "text": "I would [[like]] a [[coffee]], please.",
            "distractors": ["tea", "want"],
        }
