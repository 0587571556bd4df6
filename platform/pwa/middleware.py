"""HTML is cached briefly, static files long (docs/pwa.md "HTTP caching")."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

HTML_CACHE_CONTROL = "no-cache, private"


class HtmlCacheControlMiddleware:
    """Pages say how they may be cached when their view did not: "no-cache" (a browser may
    keep a copy but asks the server before using it; the service worker's own cache is what
    serves pages offline) and "private" (pages show the signed-in person's name and data, so
    no shared cache may keep them). Hashed static files are WhiteNoise's: a year, immutable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and not response.has_header("Cache-Control"):
            response["Cache-Control"] = HTML_CACHE_CONTROL
        return response
