"""The installable app's endpoints: the web app manifest, the service worker at the site root,
the offline fallback page and the install guidance page (docs/pwa.md)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import get_template
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

THEME_COLOR = "#0b6e4f"  # brand-700 (docs/design.md tokens)
BACKGROUND_COLOR = "#f6f7f4"  # canvas
OFFLINE_URL = "/offline/"
SERVICE_WORKER_BUNDLE = "dist/sw.js"  # built by scripts/build-frontend.mjs
PRECACHE_PLACEHOLDER = "self.__WB_MANIFEST"
# The lessons' offline byte cap (frontend/pwa/lesson-cache.js), from settings.
LESSON_BYTES_PLACEHOLDER = "self.__TOTO_LESSON_CACHE_BYTES"
# The app shell: what every page needs, cached at install so any page visited before renders
# offline. App-specific scripts are cached on first use (the service worker's static route).
APP_SHELL = [
    "dist/toto.css",
    "dist/alpine.min.js",
    "dist/icons.svg",
    "dist/idb.js",
    "js/design/components.js",
    "js/design/site.js",
    "js/pwa/pwa.js",
    "js/pwa/outbox.js",
    "js/pwa/outbox-store.js",
    "img/logo.svg",
    "img/favicon.svg",
    "img/app/icon-192.png",
]
# Templates whose change must refresh the precached offline page.
OFFLINE_TEMPLATES = ["pwa/offline.html", "base.html"]


def _icon(path: str, size: int, purpose: str) -> dict[str, str]:
    return {"src": static(path), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}


def build_manifest() -> dict[str, Any]:
    return {
        "id": "/",
        "name": _("Toto: learn languages"),
        "short_name": "Toto",
        "description": _("Lessons, translation, tutors and conversation practice."),
        "lang": get_language() or settings.LANGUAGE_CODE,
        "dir": "auto",
        "start_url": "/?source=app",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["education"],
        "icons": [
            _icon("img/app/icon-192.png", 192, "any"),
            _icon("img/app/icon-512.png", 512, "any"),
            _icon("img/app/maskable-192.png", 192, "maskable"),
            _icon("img/app/maskable-512.png", 512, "maskable"),
        ],
        # The four (#20), in that order: Android's launcher shows the first four.
        "shortcuts": [
            _shortcut(_("Learn"), _("Your lessons"), "/learn/"),
            _shortcut(_("Review"), _("Review the words due today"), "/vocabulary/review/"),
            _shortcut(_("Translate"), _("Translate and your phrasebook"), "/translate/"),
            _shortcut(_("Messages"), _("Your conversations"), "/chat/"),
        ],
    }


def _shortcut(name: str, description: str, url: str) -> dict[str, Any]:
    return {
        "name": name,
        "short_name": name,
        "description": description,
        "url": url,
        "icons": [_icon("img/app/icon-192.png", 192, "any")],
    }


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(
        build_manifest(),
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
    # Short: a changed name or icon reaches installed apps within the day.
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _read_static(path: str) -> bytes:
    found = finders.find(path)
    if found:
        return Path(str(found)).read_bytes()
    with staticfiles_storage.open(path) as handle:
        return bytes(handle.read())


def _revision(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part)
    return digest.hexdigest()[:16]


def _template_source(name: str) -> bytes:
    template: Any = get_template(name)  # the Django backend's wrapper keeps its origin
    return Path(str(template.origin.name)).read_bytes()


def precache_entries() -> list[dict[str, str | None]]:
    """Workbox precache entries: with hashed static names (production's manifest storage) the
    URL is its own revision; otherwise the file's content hash is."""
    hashed = isinstance(staticfiles_storage, ManifestFilesMixin)
    entries: list[dict[str, str | None]] = [
        {"url": static(path), "revision": None if hashed else _revision(_read_static(path))}
        for path in APP_SHELL
    ]
    offline_sources = [_template_source(name) for name in OFFLINE_TEMPLATES]
    # The offline page changes with its templates and with the shell it links to.
    shell = json.dumps(entries).encode()
    entries.append({"url": OFFLINE_URL, "revision": _revision(*offline_sources, shell)})
    return entries


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    bundle = _read_static(SERVICE_WORKER_BUNDLE).decode()
    body = bundle.replace(PRECACHE_PLACEHOLDER, json.dumps(precache_entries()), 1).replace(
        LESSON_BYTES_PLACEHOLDER, str(int(settings.PWA_LESSON_CACHE_BYTES)), 1
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    # Browsers check for a new worker at every navigation (at most daily): never serve a stale
    # one from the HTTP cache. Root scope, though the file could live anywhere.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "pwa/offline.html")


@require_safe
def install(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "pwa/install.html")
