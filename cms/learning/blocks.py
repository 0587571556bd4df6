"""The lesson body: content blocks and exercise blocks in one StreamBlock.

Every exercise block can describe itself in two ways:

- ``definition(value)``: plain data *with* the answers, for scoring (``learning.scoring``);
- ``public_representation(value)``: the same without anything that gives an answer away. The
  API (``get_api_representation``) and the website templates use only this one.

Items the learner arranges (ordering, matching, word bank) are identified by opaque ids, an
HMAC of the item under the site's secret, and listed in id order: neither the ids nor the
order in which they are sent tell the answer.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.functional import cached_property
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

GAP_PATTERN = re.compile(r"\[\[(.*?)\]\]")

TARGET_LANGUAGES = [
    ("en", "English"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("de", "German"),
    ("it", "Italian"),
    ("pt", "Portuguese"),
]

AUDIO_EXTENSIONS = {"mp3", "ogg", "oga", "wav", "m4a", "webm", "opus"}
VIDEO_EXTENSIONS = {"mp4", "webm", "ogv"}
CAPTION_EXTENSIONS = {"vtt"}


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


def struct_error(field: str, message: str) -> StructBlockValidationError:
    return StructBlockValidationError(block_errors={field: ErrorList([ValidationError(message)])})


def collect_strings(data: Any) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [
            text
            for key, item in data.items()
            if key not in {"id", "type"}
            for text in collect_strings(item)
        ]
    if isinstance(data, list):
        return [text for item in data for text in collect_strings(item)]
    return []


# --- Content blocks ----------------------------------------------------------------------------
class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("features", ["bold", "italic", "link", "ol", "ul", "h2", "h3"])
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        template = "blocks/learning/paragraph_block.html"
        description = "Text with headings, lists and links."
        preview_value = "<p>In English we say <b>hello</b> to greet someone at any time of day.</p>"


def document_representation(document: Any) -> dict[str, Any] | None:
    if document is None:
        return None
    return {
        "id": document.id,
        "title": document.title,
        "url": document.url,
        "extension": document.file_extension,
    }


def image_representation(image: Any, alt: str = "") -> dict[str, Any] | None:
    if image is None:
        return None
    rendition = image.get_rendition("max-1200x1200")
    return {
        "id": image.id,
        "url": rendition.url,
        "width": rendition.width,
        "height": rendition.height,
        "alt": alt or image.default_alt_text,
    }


class FileTypeMixin:
    allowed_extensions: dict[str, set[str]] = {}

    def clean(self, value: Any) -> Any:
        value = super().clean(value)  # type: ignore[misc]
        for field, extensions in self.allowed_extensions.items():
            document = value.get(field)
            if document is not None and document.file_extension.lower() not in extensions:
                raise struct_error(
                    field, f"Upload one of these file types: {', '.join(sorted(extensions))}."
                )
        return value


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=200, required=False, help_text="Describe the image for screen readers."
    )
    caption = blocks.CharBlock(max_length=250, required=False)

    def get_api_representation(self, value: Any, context: Any = None) -> dict[str, Any]:
        return {
            "image": image_representation(value["image"], value["alt_text"]),
            "caption": value["caption"],
        }

    class Meta:
        icon = "image"
        template = "blocks/learning/figure_block.html"
        description = "An image with alternative text and an optional caption."
        preview_value = {"caption": "A café in the morning"}


class VideoBlock(FileTypeMixin, blocks.StructBlock):
    video = DocumentChooserBlock(help_text="An uploaded MP4 or WebM file.")
    poster = ImageChooserBlock(required=False)
    captions = DocumentChooserBlock(required=False, help_text="A WebVTT (.vtt) captions file.")
    transcript = blocks.TextBlock(required=False)

    allowed_extensions = {"video": VIDEO_EXTENSIONS, "captions": CAPTION_EXTENSIONS}

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if not value.get("captions") and not value.get("transcript"):
            raise struct_error(
                "transcript", "Add captions or a transcript for learners who cannot hear."
            )
        return value

    def get_api_representation(self, value: Any, context: Any = None) -> dict[str, Any]:
        return {
            "video": document_representation(value["video"]),
            "poster": image_representation(value["poster"]),
            "captions": document_representation(value["captions"]),
            "transcript": value["transcript"],
        }

    class Meta:
        icon = "media"
        template = "blocks/learning/video_block.html"
        description = "An uploaded video with captions or a transcript."
        preview_value = {"transcript": "Hello! My name is Anna. Nice to meet you."}


class AudioBlock(FileTypeMixin, blocks.StructBlock):
    audio = DocumentChooserBlock(help_text="An uploaded MP3, OGG, WAV, M4A or WebM file.")
    caption = blocks.CharBlock(max_length=250, required=False)
    transcript = blocks.TextBlock(required=False)

    allowed_extensions = {"audio": AUDIO_EXTENSIONS}

    def get_api_representation(self, value: Any, context: Any = None) -> dict[str, Any]:
        return {
            "audio": document_representation(value["audio"]),
            "caption": value["caption"],
            "transcript": value["transcript"],
        }

    class Meta:
        icon = "doc-full"
        template = "blocks/learning/audio_block.html"
        description = "An uploaded recording with an optional transcript."
        preview_value = {"caption": "Listen and repeat", "transcript": "Good morning!"}


class EmbedWithCaptionBlock(blocks.StructBlock):
    embed = EmbedBlock(help_text="A link to a video or page that offers an embed (oEmbed).")
    caption = blocks.CharBlock(max_length=250, required=False)

    def get_api_representation(self, value: Any, context: Any = None) -> dict[str, Any]:
        embed = value["embed"]
        return {"url": embed.url if embed else None, "caption": value["caption"]}

    class Meta:
        icon = "code"
        template = "blocks/learning/embed_block.html"
        description = "An embedded video or page from another site."
        preview_value = {"caption": "A short video about greetings"}


class VocabularyItemBlock(blocks.StructBlock):
    word = blocks.CharBlock(max_length=100)
    translation = blocks.CharBlock(max_length=200)
    example = blocks.CharBlock(max_length=300, required=False)
    audio = DocumentChooserBlock(required=False, help_text="How the word sounds.")

    def get_api_representation(self, value: Any, context: Any = None) -> dict[str, Any]:
        return {
            "word": value["word"],
            "translation": value["translation"],
            "example": value["example"],
            "audio": document_representation(value["audio"]),
        }


class VocabularyListBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120, required=False)
    words = blocks.ListBlock(VocabularyItemBlock(), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "blocks/learning/vocabulary_list_block.html"
        description = "Words with their translation, an example and how they sound."
        preview_value = {
            "title": "Greetings",
            "words": [
                {"word": "hello", "translation": "hola", "example": "Hello, Anna!"},
                {"word": "goodbye", "translation": "adiós", "example": "Goodbye, see you soon."},
            ],
        }


# --- Exercise blocks ---------------------------------------------------------------------------
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


class LessonStreamBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    image = FigureBlock()
    video = VideoBlock()
    audio = AudioBlock()
    embed = EmbedWithCaptionBlock()
    vocabulary = VocabularyListBlock()
    multiple_choice = MultipleChoiceBlock()
    fill_blank = FillInBlankBlock()
    voice = VoiceResponseBlock()
    ordering = OrderingBlock()
    matching = MatchingBlock()
    drag_words = DragWordsBlock()

    @cached_property
    def exercise_block_names(self) -> frozenset[str]:
        return frozenset(
            name for name, block in self.child_blocks.items() if isinstance(block, ExerciseBlock)
        )

    def get_api_representation(self, value: Any, context: Any = None) -> list[dict[str, Any]]:
        return [
            {
                "id": child.id,
                "type": child.block_type,
                "exercise": child.block_type in self.exercise_block_names,
                "value": child.block.get_api_representation(child.value, context=context),
            }
            for child in value
        ]
