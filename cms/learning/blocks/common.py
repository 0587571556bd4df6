"""What the content and exercise blocks share: the languages lessons teach, validation errors
shaped for StructBlocks, and the strings of a value (for search)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail.blocks.struct_block import StructBlockValidationError

TARGET_LANGUAGES = [
    ("en", "English"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("de", "German"),
    ("it", "Italian"),
    ("pt", "Portuguese"),
]


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
