"""Public media (avatars, Wagtail images and their renditions, lesson covers) served by
Django when they sit on the local disk, in every runtime shape (DEBUG or not): only files
under MEDIA_ROOT, never the private storage, and never as something a browser would run.

A file is shown inline only when its type is one a browser merely displays (images other
than SVG, audio, video, PDF, captions); anything else — HTML, SVG, XML, scripts, unknown —
is sent as ``application/octet-stream`` to download. ``nosniff`` stops the browser from
guessing otherwise. Wagtail documents are not served here: ``/documents/<id>/…`` checks
their collection's privacy, which a direct ``/media/documents/…`` address would skip.
"""

import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponseBase,
    HttpResponseNotModified,
)
from django.urls import URLPattern, re_path
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.static import was_modified_since

INLINE_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/avif",
        "application/pdf",
        "text/vtt",
    }
)
INLINE_PREFIXES = ("audio/", "video/")
# Folders that held private files before they moved to the private storage
# (migrations named *_private_storage); refused even if a stray copy is left behind.
PRIVATE_FOLDERS = frozenset({"certificates", "documents", "learning", "materials", "messaging"})


def safe_content_type(name: str) -> tuple[str, bool]:
    """The type to send for a file named ``name`` and whether it may be shown inline."""
    guessed, _ = mimetypes.guess_type(name)
    if guessed and (guessed in INLINE_TYPES or guessed.startswith(INLINE_PREFIXES)):
        return guessed, True
    return "application/octet-stream", False


def public_media(request: HttpRequest, path: str) -> HttpResponseBase:
    path = posixpath.normpath(path).lstrip("/")
    if not path or path.startswith("..") or path.split("/", 1)[0] in PRIVATE_FOLDERS:
        raise Http404()
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, path))
    except ValueError as exc:  # safe_join: the path leaves MEDIA_ROOT
        raise Http404() from exc
    if not full.is_file():
        raise Http404()
    stat = full.stat()
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), stat.st_mtime):
        return HttpResponseNotModified()
    content_type, inline = safe_content_type(full.name)
    response = FileResponse(full.open("rb"), content_type=content_type)
    response["Last-Modified"] = http_date(stat.st_mtime)
    response["X-Content-Type-Options"] = "nosniff"
    if not inline:
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(full.name)}"
    return response


def public_media_urlpatterns() -> list[URLPattern]:
    """The route for public media when Django itself must serve it: media on the local disk
    under a local MEDIA_URL. On S3 (or a CDN address) the files never come through here."""
    prefix = settings.MEDIA_URL
    if not isinstance(default_storage, FileSystemStorage) or not prefix.startswith("/"):
        return []
    return [re_path(rf"^{prefix.strip('/')}/(?P<path>.*)$", public_media, name="public-media")]
