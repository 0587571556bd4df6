"""The API's JSON parser: bounded in size and in nesting, so bad input is a 4xx.

DRF's own parser reads the raw stream (Django's DATA_UPLOAD_MAX_MEMORY_SIZE never sees it)
and lets a deeply nested document raise RecursionError, a 500 on every JSON endpoint.
"""

import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import get_encoding  # type: ignore[attr-defined]
from rest_framework.utils import json as drf_json

# Deeper than any document the API accepts; far below Python's recursion limit, so the
# serializers that walk the data never hit it either.
MAX_JSON_DEPTH = 64


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"
    default_detail = "The request body is too large."


class TooDeep(ParseError):
    default_code = "too_deeply_nested"
    default_detail = f"JSON may be nested at most {MAX_JSON_DEPTH} levels deep."


def max_body_bytes() -> int:
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 10 * 1024 * 1024)


def check_depth(data: Any, limit: int = MAX_JSON_DEPTH) -> None:
    """Raises TooDeep when lists and objects nest deeper than ``limit`` (no recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            raise TooDeep()
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def loads(raw: bytes, encoding: str = "utf-8", *, strict: bool = True) -> Any:
    """Parses a JSON body with the API's limits (also for views that read request.body)."""
    if len(raw) > max_body_bytes():
        raise RequestTooLarge()
    try:
        data = json.loads(
            raw.decode(encoding), parse_constant=drf_json.strict_constant if strict else None
        )
    except RecursionError as exc:
        raise TooDeep() from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise ParseError(f"JSON parse error - {exc}") from exc
    check_depth(data)
    return data


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = max_body_bytes()
        request = (parser_context or {}).get("request")
        if request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                raise RequestTooLarge()
        # One byte past the limit tells an oversized body without reading all of it.
        raw = stream.read(limit + 1) if stream is not None else b""
        # DRF's check refuses bytes-to-bytes codecs (bz2_codec would expand past the limit).
        encoding = get_encoding(parser_context or {})
        return loads(raw, encoding, strict=self.strict)
