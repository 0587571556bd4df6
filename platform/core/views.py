from dataclasses import asdict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .api.errors import json_error_response


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


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return json_error_response(request, 404, "not_found", "Not found.")
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return json_error_response(
            request, 500, "server_error", "Something went wrong on our side."
        )
    # No request context: whatever broke the request may break context processors too.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


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
