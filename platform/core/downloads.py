"""Serving a private file once the caller has been checked by a selector (materials,
voice recordings, chat attachments, certificates, room recordings).

On the local file system Django streams the file itself, with single-range requests
(``Range: bytes=a-b``, ``bytes=a-``, ``bytes=-n``) so that audio and video players can seek
and interrupted downloads can resume: 206 with ``Content-Range``, 416 for a range past the
end, ``If-Range`` against a strong ETag or the exact Last-Modified date. Django 5.2's
``FileResponse`` does not do ranges; the rules follow RFC 9110 §14 (whitenoise's range
handling was the reference). Several ranges in one header (multipart/byteranges) are
answered with the whole file, which the RFC allows. The bytes are read in blocks from the
open file, never loaded whole.

On remote storage (S3 in production) the answer is a redirect to a signed URL valid for a
minute: the bytes come from the bucket (with range requests, so players can seek), and the
URL is useless to anyone it is passed on to after that.

Every answer names our content type (the sniffed one stored with the row), forbids sniffing
(``X-Content-Type-Options: nosniff``) and carries a ``Content-Disposition``, so a browser
never runs what was uploaded as a page of our origin.
"""

import hashlib
import os
import re
from dataclasses import dataclass
from typing import IO, Any, Protocol, cast
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
)
from django.utils.http import http_date, parse_http_date_safe

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class FileRange:
    """A read-only view of ``length`` bytes of an open file from ``start``: what
    ``FileResponse`` streams for a 206. It has no ``tell``/``seek`` and no ``name``, so
    ``FileResponse`` neither measures nor names it (the view sets those headers)."""

    def __init__(self, file: IO[bytes], start: int, length: int) -> None:
        self.file = file
        self.remaining = length
        file.seek(start)

    def read(self, size: int = -1) -> bytes:
        if self.remaining <= 0:
            return b""
        if size < 0 or size > self.remaining:
            size = self.remaining
        data = self.file.read(size)
        self.remaining -= len(data)
        return data

    def close(self) -> None:
        self.file.close()


class UnsatisfiableRange(Exception):
    """The range starts past the end of the file (answered 416)."""


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) byte positions ``header`` asks for, or ``None`` when the header is
    to be ignored (malformed, several ranges) and the whole file sent. Raises
    ``UnsatisfiableRange`` when no byte of the file is in the range."""
    match = RANGE.match(header.replace(" ", ""))
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # bytes=-n: the last n bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            raise UnsatisfiableRange()
        return max(size - suffix, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if last and end < start:
        return None  # invalid syntax: ignored
    if start >= size:
        raise UnsatisfiableRange()
    return start, min(end, size - 1)


@dataclass(frozen=True)
class PrivateFile:
    """A stored file and how to present it: ``content_type`` is the type we sniffed at
    upload; ``inline`` lets a browser show it (media players, images), else it downloads."""

    file: FieldFile
    content_type: str
    filename: str
    inline: bool = True


def _disposition(item: PrivateFile) -> str:
    kind = "inline" if item.inline else "attachment"
    return f"{kind}; filename*=UTF-8''{quote(item.filename or 'file')}"


def _etag(item: PrivateFile, size: int, mtime: float) -> str:
    tag = hashlib.sha256((item.file.name or "").encode()).hexdigest()[:16]
    return f'"{tag}-{size:x}-{int(mtime * 1000):x}"'


def _range_applies(request: HttpRequest, etag: str, mtime: int) -> bool:
    """``If-Range``: the range holds only while the file is the one the client has."""
    condition = request.headers.get("If-Range")
    if not condition:
        return True
    if condition.startswith('"'):
        return condition == etag  # strong comparison: weak tags never match
    date = parse_http_date_safe(condition)
    return date is not None and date == mtime


def _local_response(request: HttpRequest, item: PrivateFile) -> HttpResponseBase:
    file = item.file.open("rb")
    stat = os.fstat(file.fileno())
    size, mtime = stat.st_size, int(stat.st_mtime)
    etag = _etag(item, size, stat.st_mtime)
    header = request.headers.get("Range")
    response: HttpResponseBase
    try:
        wanted = (
            parse_range(header, size) if header and _range_applies(request, etag, mtime) else None
        )
    except UnsatisfiableRange:
        file.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    else:
        if wanted is None:
            response = FileResponse(file, content_type=item.content_type)
            response["Content-Length"] = str(size)
        else:
            first, last = wanted
            response = FileResponse(
                FileRange(file, first, last - first + 1),
                status=206,
                content_type=item.content_type,
            )
            response["Content-Range"] = f"bytes {first}-{last}/{size}"
            response["Content-Length"] = str(last - first + 1)
        response["Content-Disposition"] = _disposition(item)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Last-Modified"] = http_date(mtime)
    return response


class SigningStorage(Protocol):
    """What the remote storage (django-storages' ``S3Storage``, chosen in settings) offers:
    ``url`` signs an address for a while, with the response headers S3 is to send."""

    def url(
        self, name: str | None, parameters: dict[str, str] | None = None, expire: int | None = None
    ) -> str: ...


def download_url_seconds() -> int:
    """How long a signed download URL (S3 and other remote storages) stays valid."""
    value: Any = settings.PRIVATE_DOWNLOAD_URL_SECONDS
    return int(value)


def serve_private_file(
    request: HttpRequest, item: PrivateFile, *, expire: int | None = None
) -> HttpResponseBase:
    """The file's bytes (local disk) or a short-lived signed URL to them (remote storage)."""
    storage = item.file.storage
    if isinstance(storage, FileSystemStorage):
        response = _local_response(request, item)
    else:
        # Not the local disk: settings.STORAGES put S3Storage here, which the stubs cannot know.
        url = cast(SigningStorage, storage).url(
            item.file.name,
            parameters={
                "ResponseContentDisposition": _disposition(item),
                "ResponseContentType": item.content_type,
            },
            expire=expire if expire is not None else download_url_seconds(),
        )
        response = HttpResponseRedirect(url)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
