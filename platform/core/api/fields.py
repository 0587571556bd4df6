"""Serializer fields for input that needs the same limits everywhere."""

from typing import Any

from rest_framework import serializers

from core.languages import is_language_code
from core.tags import MAX_TAG_LENGTH, MAX_TAGS, clean_tag_names


class BoundedListField(serializers.ListField):
    """A ListField that refuses a list over ``max_length`` before validating any item:
    DRF's own checks the count only after walking every item, so a million-item list
    costs seconds of CPU before its 400."""

    def to_internal_value(self, data: Any) -> list[Any]:
        if isinstance(data, list) and self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


class TagListField(BoundedListField):
    """A list of tag names: at most ``max_length`` items of ``MAX_TAG_LENGTH`` characters,
    deduplicated case-insensitively. The count is checked before any item is, so a huge
    list is refused without walking it."""

    child = serializers.CharField(max_length=MAX_TAG_LENGTH, allow_blank=False)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", MAX_TAGS)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        return clean_tag_names(super().to_internal_value(data), limit=self.max_length or MAX_TAGS)

    def to_representation(self, data: Any) -> list[str]:
        # A TaggableManager (prefetched) or a plain list of names.
        names = [
            getattr(tag, "name", tag) for tag in (data.all() if hasattr(data, "all") else data)
        ]
        return sorted(str(name) for name in names)


class LanguageCodeField(serializers.CharField):
    """A language code from the project's list (Django's languages and their base codes)."""

    default_error_messages = {"invalid_language": "“{value}” is not a language code we know."}

    def __init__(self, *, also: tuple[str, ...] = (), **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 16)
        self.also = also  # values with a meaning of their own, such as "auto"
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if value not in self.also and not is_language_code(value):
            self.fail("invalid_language", value=value[:16])
        return value
