"""The dashboards in the Wagtail admin: pages of chart placeholders that
static/js/analytics/dashboard.js fills from the JSON endpoints (analytics.api)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from accounts.requests import user_of

from . import selectors
from .models import RollupRun


def dashboards_for(request: HttpRequest) -> list[selectors.Dashboard]:
    user = user_of(request)
    if selectors.sees_everything(user):
        return list(selectors.DASHBOARDS.values())
    if selectors.is_creator(user):
        return [d for d in selectors.DASHBOARDS.values() if d.for_creators]
    return []


def _learning_narrowing(request: HttpRequest) -> dict[str, Any]:
    """``?course=&level=&lesson=`` of the learning dashboard; anything malformed is ignored
    (the JSON endpoint validates the same parameters and refuses them with a 400)."""
    levels = {code for code, _label in selectors.levels()}
    narrowing: dict[str, Any] = {
        "course": None,
        "level": request.GET.get("level", "") if request.GET.get("level") in levels else "",
        "lesson": None,
    }
    for name in ("course", "lesson"):
        raw = request.GET.get(name, "")
        if raw.isdigit() and int(raw) > 0:
            narrowing[name] = int(raw)
    return narrowing


def index(request: HttpRequest) -> HttpResponse:
    dashboards = dashboards_for(request)
    if not dashboards:
        raise PermissionDenied
    return redirect("analytics_dashboard", slug=dashboards[0].slug)


def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    dashboards = dashboards_for(request)
    current = selectors.DASHBOARDS.get(slug)
    if current is None:
        raise Http404
    if current not in dashboards:
        raise PermissionDenied
    creator_only = not selectors.sees_everything(user_of(request))
    charts = [key for key in current.charts if not creator_only or key in selectors.CREATOR_CHARTS]
    days = request.GET.get("days", "90")
    if days not in {"30", "90", "180", "365"}:
        days = "90"
    currency = request.GET.get("currency", "USD")
    if currency not in selectors.currencies():
        currency = "USD"
    query: dict[str, str] = {"days": days, "currency": currency}
    filters = None
    if slug == "learning":
        narrowing = _learning_narrowing(request)
        query.update({name: str(value) for name, value in narrowing.items() if value})
        last = selectors.today()
        scope = selectors.scope_for(user_of(request), last, last, **narrowing)
        if scope is not None:
            filters = {
                **selectors.learning_filter_choices(scope),
                "levels": selectors.levels(),
                **{name: value or "" for name, value in narrowing.items()},
            }
    encoded = urlencode(query)
    context = {
        "dashboards": dashboards,
        "current": current,
        "charts": [
            {
                "key": key,
                "url": f"{reverse('analytics-chart', args=[key])}?{encoded}",
                "csv_url": f"{reverse('analytics-chart-csv', args=[key])}?{encoded}",
            }
            for key in charts
        ],
        "days": days,
        "day_choices": ["30", "90", "180", "365"],
        "currency": currency,
        "currencies": selectors.currencies() if slug == "finance" else [],
        "creator_only": creator_only,
        "filters": filters,
        "last_run": RollupRun.objects.order_by("-finished_at").first(),
    }
    if slug == "finance" and not creator_only:
        last = selectors.today()
        context["totals"] = selectors.finance_totals(
            last - timedelta(days=int(days) - 1), last, currency
        )
        context["check"] = selectors.ledger_check(currency)
        context["subscriptions"] = selectors.subscription_metrics(currency, last)
    return TemplateResponse(request, "analytics/dashboard.html", context)
