"""Uploads are judged by their content, never by the client's file name or Content-Type.

libmagic reads the first bytes and names the type; the stored file gets OUR extension for
that type, so no upload can choose how a web server or browser will treat it (an ``.html``
or ``.svg`` "recording" is refused before anything is written). Each app keeps its own list
of what it accepts; this module is the one place that sniffs and names (and, when ClamAV is
configured, scans: core.antivirus).
"""

import uuid
from collections.abc import Collection, Iterable
from typing import cast

import magic
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

from core.antivirus import scan

# libmagic needs a few kilobytes for containers (WebM/Matroska, MP4) to be told apart.
SNIFF_BYTES = 8192

# The extension each accepted type is stored under. A type missing here is never stored.
EXTENSIONS: dict[str, str] = {
    "application/pdf": "pdf",
    "audio/aac": "aac",
    "audio/flac": "flac",
    "audio/x-flac": "flac",
    "audio/mp4": "m4a",
    "audio/x-m4a": "m4a",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/webm": "webm",
    "image/gif": "gif",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "text/plain": "txt",
    "video/mp4": "mp4",
    "video/ogg": "ogv",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "video/x-matroska": "mkv",
}

# What a voice recording may be: what browsers' MediaRecorder and phones produce, plus
# WAV/FLAC/MP3 from desktop tools. WebM audio is sniffed as video/webm (same container).
AUDIO_TYPES: frozenset[str] = frozenset(
    {
        "audio/aac",
        "audio/flac",
        "audio/x-flac",
        "audio/mp4",
        "audio/x-m4a",
        "audio/mpeg",
        "audio/ogg",
        "audio/wav",
        "audio/x-wav",
        "audio/webm",
        "video/webm",
        "video/mp4",
    }
)


class RejectedUpload(ValueError):
    """The upload's content is not one of the accepted types; ``mime`` is what it is."""

    def __init__(self, mime: str) -> None:
        super().__init__(f"This file's content is {mime}, which is not accepted here.")
        self.mime = mime


def sniff(upload: UploadedFile) -> str:
    """The MIME type libmagic reads from the upload's first bytes (the file is rewound)."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not head:
        return "application/x-empty"
    return str(magic.from_buffer(head, mime=True))


def checked_type(upload: UploadedFile, accepted: Collection[str]) -> str:
    """The upload's sniffed type when ``accepted`` holds it; raises ``RejectedUpload``.
    Accepted content is then virus-scanned when ClamAV is configured (core.antivirus:
    ``InfectedFile`` 400, ``ScannerUnavailable`` 503)."""
    mime = sniff(upload)
    if mime not in accepted or mime not in EXTENSIONS:
        raise RejectedUpload(mime)
    scan(upload)
    return mime


def stored_name(mime: str, stem: str | None = None) -> str:
    """A file name of our choosing for content of type ``mime``: ``<stem>.<our extension>``."""
    return f"{stem or uuid.uuid4().hex}.{EXTENSIONS[mime]}"


class _PrivateStorage(LazyObject):
    """Resolved on first use and again whenever STORAGES changes, as Django's
    ``default_storage`` is: a field's storage then follows the settings in force."""

    _wrapped: object

    def _setup(self) -> None:
        self._wrapped = storages["private"]


_private = _PrivateStorage()


@receiver(setting_changed)
def _reset_private_storage(*, setting: str, **kwargs: object) -> None:
    if setting in {"STORAGES", "MEDIA_ROOT"} or setting.startswith("AWS_"):
        _private._wrapped = empty


def private_storage() -> Storage:
    """The storage for files served only by permission-checked views (settings STORAGES
    "private": outside MEDIA_ROOT, or a private S3 prefix)."""
    return cast(Storage, _private)


def move_stored_files(names: Iterable[str], *, to_private: bool = True) -> int:
    """Moves files between the default (public) and the private storage under the same
    names, so rows need no update: for data migrations of fields whose storage became the
    private one (and their reversal). Files already moved or missing are skipped, so a
    migration interrupted half-way can run again. Returns how many were moved."""
    public, private = storages["default"], storages["private"]
    source, target = (public, private) if to_private else (private, public)
    moved = 0
    for name in names:
        if not name or target.exists(name) or not source.exists(name):
            continue
        with source.open(name, "rb") as content:
            saved = target.save(name, content)
        if saved != name:  # a storage that renamed it: leave the original where rows find it
            target.delete(saved)
            continue
        source.delete(name)
        moved += 1
    return moved
