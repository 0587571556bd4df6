"""The guided script of a practice context: ordered steps, checked when the editor saves.

A step's expected answers are alternatives: each keyword alternative is a list of words that
must all appear (separated by commas, e.g. ``window, seat``); each pattern is a regular
expression searched in the answer (lower case, accents removed). ``accept_any`` lets any
answer of a few words fit (open questions such as "Tell me about yourself").
"""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError


def check_pattern(pattern: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValidationError(
            _("Not a valid regular expression: %(error)s") % {"error": exc}
        ) from exc


class ScriptStepBlock(blocks.StructBlock):
    tutor_lines = blocks.ListBlock(
        blocks.CharBlock(max_length=400),
        min_num=1,
        help_text=_("What the tutor says at this step (the last line should be the question)."),
    )
    expected_keywords = blocks.ListBlock(
        blocks.CharBlock(max_length=200),
        default=[],
        help_text=_(
            "One alternative per item: words that must all appear, separated by commas, "
            "e.g. 'window, seat'. Case, accents and small typos are tolerated."
        ),
    )
    expected_patterns = blocks.ListBlock(
        blocks.CharBlock(max_length=200),
        default=[],
        help_text=_(r"Regular expressions, one alternative per item, e.g. \b\d+\b for a number."),
    )
    accept_any = blocks.BooleanBlock(
        required=False,
        help_text=_("Any answer fits (open questions, e.g. a name)."),
    )
    acknowledgement = blocks.CharBlock(
        required=False, max_length=200, help_text=_("Said when the answer fits, e.g. 'Great.'")
    )
    reask = blocks.CharBlock(
        max_length=400, help_text=_("Said the first time an answer does not fit.")
    )
    hint = blocks.CharBlock(
        max_length=400, help_text=_("Said the second time, with a model answer.")
    )
    suggested_responses = blocks.ListBlock(
        blocks.CharBlock(max_length=200),
        default=[],
        help_text=_("Model answers the learner can say (shown and used in the hint)."),
    )

    class Meta:
        icon = "list-ol"
        label = _("Step")
        label_format = "{tutor_lines}"
        description = _("One exchange: the tutor's line, what answers fit, and help.")

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        errors: dict[str, ErrorList] = {}
        keywords = [item for item in value["expected_keywords"] if item.strip()]
        patterns = [item for item in value["expected_patterns"] if item.strip()]
        if not keywords and not patterns and not value["accept_any"]:
            errors["expected_keywords"] = ErrorList(
                [
                    ValidationError(
                        _("Give expected keywords, a pattern, or tick 'accept any answer'.")
                    )
                ]
            )
        for pattern in patterns:
            try:
                check_pattern(pattern)
            except ValidationError as exc:
                errors["expected_patterns"] = ErrorList([exc])
                break
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value


class ScriptBlock(blocks.StreamBlock):
    step = ScriptStepBlock()

    class Meta:
        block_counts = {"step": {"max_num": 30}}
