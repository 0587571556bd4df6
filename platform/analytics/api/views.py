"""The dashboards' JSON (and CSV): one chart per request, read from the rollups."""

from __future__ import annotations

import csv
from datetime import timedelta
from typing import Any

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.requests import user_of

from .. import selectors
from .serializers import ChartQuerySerializer, ChartSerializer

CHART_PARAMETERS: list[Any] = [
    OpenApiParameter("key", str, OpenApiParameter.PATH, enum=sorted(selectors.CHARTS)),
    ChartQuerySerializer,
]


def chart_for(request: Request, key: str) -> dict[str, Any]:
    if key not in selectors.CHARTS:
        raise Http404
    query = ChartQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    last = query.validated_data.get("until") or selectors.today()
    first = last - timedelta(days=query.validated_data["days"] - 1)
    data = query.validated_data
    scope = selectors.scope_for(
        user_of(request),
        first,
        last,
        data.get("currency", ""),
        course=data.get("course"),
        level=data.get("level", ""),
        lesson=data.get("lesson"),
    )
    if scope is None:
        raise PermissionDenied("Analytics are for the team.")
    try:
        return selectors.chart(key, scope)
    except PermissionError:
        raise PermissionDenied("This chart covers more than your own lessons.") from None


class ChartView(APIView):
    @extend_schema(
        summary="One dashboard chart (staff; content creators: their own lessons only)",
        parameters=CHART_PARAMETERS,
        responses={200: ChartSerializer},
    )
    def get(self, request: Request, key: str) -> Response:
        return Response(chart_for(request, key))


class ChartCsvView(APIView):
    @extend_schema(
        summary="One dashboard chart's table as CSV",
        parameters=CHART_PARAMETERS,
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request: Request, key: str) -> HttpResponse:
        chart = chart_for(request, key)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="toto-{key}.csv"'
        writer = csv.writer(response)
        writer.writerow(chart["columns"])
        for row in chart["rows"]:
            writer.writerow(["" if cell is None else cell for cell in row])
        return response
