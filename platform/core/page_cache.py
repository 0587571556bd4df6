"""Anonymous page cache: pages an anonymous visitor sees are rendered once and served from the
cache (Redis) to the next visitors, until content changes (docs/decisions.md "Page cache").

What is cached: the answer to a GET by a visitor without a session (no cookie but the CSRF and
language cookies, no Authorization header) to a view that opted in: every Wagtail page
(``settings.PAGE_CACHE_SECONDS``) and views decorated with ``cache_for_visitors(seconds)``.
An answer is stored only if it is a plain 200 HTML page that sets no cookie, carries no
message, did not touch the session, used no CSP nonce, says nothing against shared caching
(``private``/``no-store``) and varies by nothing but ``Cookie`` and ``Accept-Language``
(both covered: other cookies bypass the cache, the language is in the key).

The key: scheme, host, path with query string, the content language (URL prefix) and the
interface language (switcher cookie, else Accept-Language: accounts.middleware), and the
current version. Publishing, unpublishing, moving or deleting a page, an editor creating,
editing or deleting a snippet in the admin, saving a setting, an image or a document, or a
site, replaces the version: every stored page is forgotten at once (``connect`` and
core.wagtail_hooks). Snippets count only when an editor changes them: several admin screens
are snippet viewsets over rows the services write all day (payments, ledger entries, AI
usage), and a write of those must not empty the cache.

CSRF: every page carries the language switcher's form and hence a CSRF token. The token is
per visitor, so it is cut out of the stored page (any 64-character string that unmasks to the
request's CSRF secret) and each answer from the cache gets a fresh token of its own visitor
(``get_token``; CsrfViewMiddleware, outside this one, then sets that visitor's cookie).

Placed after the middleware that decides who may see what (sessions, CSRF, authentication,
language, messages, maintenance mode, legal and consent gates) and before those that add
constant headers: a cached answer skips only the URL routing, the view and its templates.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware import csrf as django_csrf
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.crypto import constant_time_compare

VERSION_KEY = "page-cache:version"
HEADER = "X-Page-Cache"
# Where the middleware leaves, in the ASGI scope, how long the front may keep the answer.
SCOPE_KEY = "toto.page_cache_seconds"
# Stands in for a visitor's CSRF token in a stored page; cannot occur in escaped HTML text.
CSRF_HOLE = b"\x00csrf\x00"
_MASKED_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")
# Request cookies that do not change what an anonymous visitor sees beyond the key (the
# language is in the key; the CSRF token is cut out): any other cookie bypasses the cache.
_NEUTRAL_COOKIES = {"CSRF_COOKIE_NAME", "LANGUAGE_COOKIE_NAME"}
_COVERED_VARY = {"cookie", "accept-language"}
_UNSTORED_HEADERS = {"x-request-id", "content-length"}
_COMMA = re.compile(r"\s*,\s*")
logger = logging.getLogger(__name__)

_SKIPPED_PREFIXES = ("/api/", "/admin/", "/django-admin/", "/static/", "/media/", "/ws/")

View = TypeVar("View", bound=Callable[..., Any])


def cache_for_visitors(seconds: int) -> Callable[[View], View]:
    """Lets AnonymousPageCacheMiddleware keep this view's anonymous answers ``seconds``."""

    def mark(view: View) -> View:
        view.page_cache_seconds = seconds  # type: ignore[attr-defined]
        return view

    return mark


def current_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return str(version)


def forget_all(**kwargs: Any) -> None:
    """A new version: every stored page is forgotten. Now (this transaction's own later
    requests, tests) and after commit (a visitor who rendered the old content between the
    two has stored it under the version that is replaced here)."""

    def bump() -> None:
        try:
            cache.set(VERSION_KEY, uuid.uuid4().hex, None)
        except Exception:
            # A publish must not fail because the cache is down; what it stored expires on
            # its own (PAGE_CACHE_SECONDS) and a cache that comes back empty has nothing old.
            logger.warning("page cache unavailable; version not replaced", exc_info=True)

    bump()
    transaction.on_commit(bump)


def _neutral_cookie_names() -> set[str]:
    return {getattr(settings, name) for name in _NEUTRAL_COOKIES}


def _may_use_cache(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
        return False
    if request.path_info.startswith(_SKIPPED_PREFIXES) or "HTTP_AUTHORIZATION" in request.META:
        return False
    return set(request.COOKIES) <= _neutral_cookie_names()


def _key(request: HttpRequest, version: str) -> str:
    parts = [
        version,
        request.scheme or "",
        request.get_host(),
        request.get_full_path(),
        translation.get_language() or "",
        getattr(request, "interface_language", "") or "",
    ]
    return "page-cache:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not _may_use_cache(request):
            return self.get_response(request)
        try:
            key = _key(request, current_version())
            stored = cache.get(key)
        except Exception:
            # The cache (Redis) is down: serve the page as if there were no cache at all.
            logger.warning("page cache unavailable; serving uncached", exc_info=True)
            return self.get_response(request)
        if stored is not None:
            if "expires" in stored:
                _vouch(request, int(stored["expires"] - time.time()))
            return _answer_from(request, stored)
        response = self.get_response(request)
        seconds = getattr(request, "_page_cache_seconds", 0)
        if seconds and request.method == "GET":
            entry = _entry_for(request, response)
            if entry is not None:
                entry["expires"] = time.time() + seconds
                try:
                    cache.set(key, entry, seconds)
                except Exception:
                    logger.warning("page cache unavailable; page not stored", exc_info=True)
                else:
                    response[HEADER] = "miss"
                    _vouch(request, seconds)
        return response

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], *args: Any) -> None:
        seconds = getattr(view_func, "page_cache_seconds", None)
        if seconds is None and view_func.__module__ == "wagtail.views":
            seconds = settings.PAGE_CACHE_SECONDS
        request._page_cache_seconds = seconds or 0  # type: ignore[attr-defined]


def _vouch(request: HttpRequest, seconds: int) -> None:
    """Tells the ASGI front (``FrontPageCache``, through the request's ASGI scope) that this
    answer may be shared for ``seconds`` more: the only way it learns that a page passed every
    check above."""
    scope = getattr(request, "scope", None)
    if isinstance(scope, dict) and seconds > 0:
        scope[SCOPE_KEY] = seconds


def _entry_for(request: HttpRequest, response: HttpResponseBase) -> dict[str, Any] | None:
    """What to store of ``response``, or None when it must not be shared."""
    if (
        response.status_code != 200
        or response.streaming
        or not isinstance(response, HttpResponse)
        or not response.get("Content-Type", "").startswith("text/html")
        or response.cookies
    ):
        return None
    cache_control = response.get("Cache-Control", "").lower()
    if "private" in cache_control or "no-store" in cache_control:
        return None
    vary = {v.strip().lower() for v in _COMMA.split(response.get("Vary", "")) if v.strip()}
    if vary - _COVERED_VARY:
        return None
    if getattr(request, "_csp_nonce", None) is not None:
        return None  # a nonce is per answer: a shared copy would hand it to everybody
    session = getattr(request, "session", None)
    if session is not None and (session.modified or not session.is_empty()):
        return None
    messages = getattr(request, "_messages", None)
    if messages is not None and len(messages):
        return None
    content = response.content
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        content, holes = _cut_csrf_tokens(content, request.META.get("CSRF_COOKIE", ""))
        if not holes:
            return None  # the token went somewhere this cannot see (a header, JSON)
    return {
        "status": response.status_code,
        # Not the request's id, nor a length the fresh CSRF tokens would make wrong.
        "headers": [(k, v) for k, v in response.items() if k.lower() not in _UNSTORED_HEADERS],
        "content": content,
    }


def _cut_csrf_tokens(content: bytes, secret: str) -> tuple[bytes, int]:
    holes = 0

    def cut(match: re.Match[bytes]) -> bytes:
        nonlocal holes
        token = match.group(0).decode()
        if secret and constant_time_compare(
            django_csrf._unmask_cipher_token(token),  # type: ignore[attr-defined]
            secret,
        ):
            holes += 1
            return CSRF_HOLE
        return match.group(0)

    return _MASKED_TOKEN.sub(cut, content), holes


def _answer_from(request: HttpRequest, stored: dict[str, Any]) -> HttpResponse:
    content: bytes = stored["content"]
    if CSRF_HOLE in content:
        pieces = content.split(CSRF_HOLE)
        filled = [pieces[0]]
        for piece in pieces[1:]:
            filled += [get_token(request).encode(), piece]
        content = b"".join(filled)
    response = HttpResponse(content, status=stored["status"])
    for name, value in stored["headers"]:
        response[name] = value
    response[HEADER] = "hit"
    return response


def connect() -> None:
    """Content shown on pages changed: forget every stored page."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.signals import (
        page_published,
        page_unpublished,
        post_page_move,
        published,
        unpublished,
    )

    for signal, name in (
        (page_published, "published"),
        (page_unpublished, "unpublished"),
        (post_page_move, "moved"),
        (published, "snippet-published"),
        (unpublished, "snippet-unpublished"),
    ):
        signal.connect(forget_all, dispatch_uid=f"core.page_cache.{name}")
    post_save.connect(_on_saved, dispatch_uid="core.page_cache.saved")
    post_delete.connect(_on_deleted, dispatch_uid="core.page_cache.deleted")


@functools.cache
def _shown_on_pages(model: type) -> bool:
    """Rows of ``model`` appear on pages and change without a page being published (snippets:
    see ``forget_after_snippet_edit``)."""
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage
    from wagtail.models import Site

    return issubclass(
        model, (Site, AbstractImage, AbstractDocument, BaseSiteSetting, BaseGenericSetting)
    )


def forget_after_snippet_edit(request: HttpRequest, *objects: Any) -> None:
    """Wagtail's after_create/edit/delete_snippet hooks: an editor changed content."""
    forget_all()


def _on_saved(sender: type, raw: bool = False, created: bool = False, **kwargs: Any) -> None:
    # A page's own save is a draft or a publication; publishing sends page_published. A new
    # image, document or setting row changes no page yet: a page shows an image once it is
    # published with it, and a settings row is created holding the defaults already in force
    # (``Settings.load()`` on first read). A new site can change what a host serves.
    from wagtail.models import Site

    if raw or not _shown_on_pages(sender):
        return
    if created and not issubclass(sender, Site):
        return
    forget_all()


def _on_deleted(sender: type, **kwargs: Any) -> None:
    from wagtail.models import Page

    if issubclass(sender, Page) or _shown_on_pages(sender):
        forget_all()
