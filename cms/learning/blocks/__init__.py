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

from typing import Any

from django.utils.functional import cached_property
from wagtail import blocks

from .common import TARGET_LANGUAGES, collect_strings, struct_error
from .content import (
    AUDIO_EXTENSIONS,
    CAPTION_EXTENSIONS,
    VIDEO_EXTENSIONS,
    AudioBlock,
    EmbedWithCaptionBlock,
    FigureBlock,
    FileTypeMixin,
    ParagraphBlock,
    VideoBlock,
    VocabularyItemBlock,
    VocabularyListBlock,
    document_representation,
    image_representation,
)
from .exercises import (
    GAP_PATTERN,
    ChoiceBlock,
    DragWordsBlock,
    ExerciseBlock,
    FillInBlankBlock,
    MatchingBlock,
    MultipleChoiceBlock,
    OrderingBlock,
    PairBlock,
    VoiceResponseBlock,
    gap_syntax_errors,
    opaque_id,
    split_gaps,
)

__all__ = [
    "AUDIO_EXTENSIONS",
    "CAPTION_EXTENSIONS",
    "GAP_PATTERN",
    "TARGET_LANGUAGES",
    "VIDEO_EXTENSIONS",
    "AudioBlock",
    "ChoiceBlock",
    "DragWordsBlock",
    "EmbedWithCaptionBlock",
    "ExerciseBlock",
    "FigureBlock",
    "FileTypeMixin",
    "FillInBlankBlock",
    "LessonStreamBlock",
    "MatchingBlock",
    "MultipleChoiceBlock",
    "OrderingBlock",
    "PairBlock",
    "ParagraphBlock",
    "VideoBlock",
    "VocabularyItemBlock",
    "VocabularyListBlock",
    "VoiceResponseBlock",
    "collect_strings",
    "document_representation",
    "gap_syntax_errors",
    "image_representation",
    "opaque_id",
    "split_gaps",
    "struct_error",
]


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
