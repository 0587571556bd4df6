import logging
import sys
from dataclasses import asdict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .api.errors import (
    RETRY_AFTER_SECONDS,
    UNAVAILABLE_MESSAGE,
    bad_input,
    dependency_down,
    json_error_response,
)

logger = logging.getLogger(__name__)


class ServiceCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    latency_ms = serializers.FloatField()
    error = serializers.CharField(allow_blank=True)


class ReadinessSerializer(serializers.Serializer):
    status = serializers.ChoiceField(["ok", "unavailable"])
    checks = serializers.DictField(child=ServiceCheckSerializer())


class HealthView(APIView):
    """Liveness: the process answers. Touches nothing else, so it stays cheap."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(
        tags=["system"],
        responses=inline_serializer("Health", {"status": serializers.CharField()}),
    )
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


class ReadyView(APIView):
    """Readiness: every service the platform needs, each reported; 503 when one is down."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(tags=["system"], responses={200: ReadinessSerializer, 503: ReadinessSerializer})
    def get(self, request: Request) -> Response:
        checks = selectors.readiness()
        ready = all(check.ok for check in checks.values())
        return Response(
            {
                "status": "ok" if ready else "unavailable",
                "checks": {name: asdict(check) for name, check in checks.items()},
            },
            status=200 if ready else 503,
        )


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


# Said by the self-contained page when the branded one cannot be rendered.
_FALLBACK_TEXT = {
    400: ("Bad request", "The link or form may be incomplete or out of date."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Page not found", "Sorry, we could not find that page."),
    503: (
        "Back in a moment",
        "Part of the site is restarting. Please try again in a few seconds.",
    ),
    500: (
        "Something went wrong",
        "We have been told about it and are looking into it. Please try again in a moment.",
    ),
}


def _fallback_page(title: str, message: str) -> str:
    """The error page without the site's chrome, styled from one static file (no inline
    style: the Content-Security-Policy allows only our own stylesheets)."""
    try:
        stylesheet: str | None = static("css/error-fallback.css")
    except Exception:  # a manifest without it: the page is readable unstyled
        stylesheet = None
    return loader.get_template("error_fallback.html").render(
        {"title": title, "message": message, "stylesheet": stylesheet}
    )


def _error_page(
    request: HttpRequest, template: str, status: int, context: dict[str, object] | None = None
) -> HttpResponse:
    # The branded page needs what base.html reads (the user's session, the site's settings,
    # the request's host): whatever broke the request (a database that is down, a host that
    # is not allowed) may break that too, and then a self-contained page still answers.
    try:
        return render(request, template, context, status=status)
    except Exception:
        logger.exception("The branded %s page could not be rendered", status)
        title, message = _FALLBACK_TEXT[status]
        return HttpResponse(_fallback_page(title, message), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's answer to input it refuses before any view runs (too many form fields, a
    body over the limit, a suspicious header): JSON on the API, the friendly page elsewhere."""
    status_code, code, message = (exception is not None and bad_input(exception)) or (
        400,
        "bad_request",
        "The request could not be understood.",
    )
    return refusal(request, status_code, code, message)


def refusal(request: HttpRequest, status_code: int, code: str, message: str) -> HttpResponse:
    """A 4xx for input refused outside a view: the error shape on the API, a page elsewhere."""
    if _wants_json(request):
        return json_error_response(request, status_code, code, message)
    try:
        return render(request, "400.html", {"message": message}, status=status_code)
    except Exception:
        # The request itself may be what is wrong (a host not allowed makes every
        # get_host() raise again): a page without the site's chrome then.
        return HttpResponse(_fallback_page("Bad request", message), status=status_code)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return json_error_response(
            request, 403, "permission_denied", "You do not have permission to do this."
        )
    return _error_page(request, "403.html", 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without its CSRF token (an expired page, cookies off): the site's 403 page
    rather than Django's plain one; JSON under /api/."""
    if _wants_json(request):
        return json_error_response(
            request, 403, "csrf_failed", "CSRF verification failed: send the CSRF token."
        )
    return _error_page(request, "403.html", 403, {"csrf_failed": True})


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return json_error_response(request, 404, "not_found", "Not found.")
    return _error_page(request, "404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # Called while the uncaught exception is being handled: a dependency that is down or
    # restarting (PostgreSQL, Redis) is a 503 with Retry-After, anywhere on the site.
    if dependency_down(sys.exc_info()[1]):
        return service_unavailable(request)
    if _wants_json(request):
        return json_error_response(
            request, 500, "server_error", "Something went wrong on our side."
        )
    return _error_page(request, "500.html", 500)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        response: HttpResponse = json_error_response(
            request, 503, "service_unavailable", UNAVAILABLE_MESSAGE
        )
    else:
        # Not the branded page: it reads the session and the site's settings from the
        # database that is down.
        title, message = _FALLBACK_TEXT[503]
        response = HttpResponse(_fallback_page(title, message), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# Colour tokens shown on the style guide: (token, what it is for).
STYLE_GUIDE_COLOURS = [
    ("brand-700", "Buttons, links, brand"),
    ("brand-800", "Hover, headings on tint"),
    ("brand-50", "Selected, tinted fills"),
    ("accent-500", "Highlights, celebration"),
    ("ink", "Body text"),
    ("muted", "Secondary text"),
    ("canvas", "Page background"),
    ("surface", "Cards, inputs"),
    ("soft", "Quiet fills"),
    ("line", "Borders"),
    ("line-strong", "Input borders"),
    ("success-700", "Success text"),
    ("warning-500", "Warnings"),
    ("danger-700", "Errors, destructive"),
    ("info-700", "Information"),
]


def style_guide(request: HttpRequest) -> HttpResponse:
    """The living style guide: every shared component in its states (docs/design.md)."""
    return render(request, "core/style_guide.html", {"colours": STYLE_GUIDE_COLOURS})
