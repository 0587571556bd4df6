"""Shared request helpers for the routers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Request, UploadFile

from ml.errors import too_large

if TYPE_CHECKING:
    from ml.container import Engines

_CHUNK = 1024 * 1024


async def get_engines(request: Request) -> Engines:
    # ``async`` on purpose: FastAPI runs a plain ``def`` dependency in a worker thread, which
    # cost two thread hops per request (about 0.3 ms, a third of an apertium translation).
    return request.app.state.engines  # type: ignore[no-any-return]


async def read_upload(upload: UploadFile, max_bytes: int, param: str = "file") -> bytes:
    """Read an upload, refusing it as soon as it passes ``max_bytes``."""
    parts: list[bytes] = []
    size = 0
    while chunk := await upload.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise too_large(
                f"The upload is larger than {max_bytes // (1024 * 1024)} MB.",
                code="file_too_large",
                param=param,
            )
        parts.append(chunk)
    return b"".join(parts)


def check_text_length(text: str, max_chars: int, param: str) -> None:
    if len(text) > max_chars:
        raise too_large(
            f"The text is {len(text)} characters long; the limit is {max_chars}.",
            code="text_too_long",
            param=param,
        )
