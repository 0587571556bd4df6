"""Website views of the learning tree (served by LearningIndexPage's routes)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from cms.learning.blocks import TARGET_LANGUAGES
from cms.learning.models import Level

from . import selectors
from .api.filters import LessonFilter


def catalog_context(request: HttpRequest, index_page: Any) -> dict[str, Any]:
    locale = selectors.learner_locale(request)
    filters = LessonFilter(request.GET)
    data = filters.form.cleaned_data if filters.is_valid() else {}
    searching = any(data.get(key) for key in ("search", "level", "language", "category"))
    lessons = selectors.search_lessons(
        locale,
        query=data.get("search") or "",
        level=data.get("level") or "",
        language=data.get("language") or "",
        category=data.get("category"),
    )
    page = Paginator(lessons, 24).get_page(request.GET.get("page"))
    items = list(page.object_list)
    selectors.prefetch_cover_renditions(items)
    categories = list(selectors.categories_for_learner(locale))
    return {
        "tree": selectors.category_tree(categories, locale),
        "lessons": items,
        "lesson_page": page,
        "ancestry": selectors.ancestry_of(items),
        "progress": selectors.progress_by_lesson(request.user, items),
        "searching": searching,
        "filters": data,
        "levels": Level.choices,
        "languages": TARGET_LANGUAGES,
        "categories": categories,
        "filter_errors": filters.errors,
    }


CHART_WIDTH, CHART_HEIGHT, CHART_TOP, CHART_BOTTOM, CHART_LEFT = 700, 250, 20, 210, 40


def chart_geometry(series: list[tuple[Any, int, float]]) -> dict[str, Any]:
    """Coordinates of the server-rendered SVG bar chart (exercises per day, with the day's
    average score written under each bar), and its one-sentence text alternative."""
    peak = max([count for _, count, _ in series] + [1])
    plot_height = CHART_BOTTOM - CHART_TOP
    step = (CHART_WIDTH - CHART_LEFT) / max(len(series), 1)
    bars = []
    for index, (day, count, average) in enumerate(series):
        height = round(plot_height * count / peak, 1)
        bars.append(
            {
                "day": day,
                "count": count,
                "average": average,
                "x": round(CHART_LEFT + index * step + step * 0.15, 1),
                "width": round(step * 0.7, 1),
                "y": round(CHART_BOTTOM - height, 1),
                "height": height,
                "center": round(CHART_LEFT + index * step + step / 2, 1),
            }
        )
    ticks = sorted({0, peak // 2, peak})
    total = sum(count for _, count, _ in series)
    scored = [(count, average) for _, count, average in series if count]
    overall = round(sum(c * a for c, a in scored) / total, 1) if total else 0.0
    return {
        "bars": bars,
        "ticks": [
            {"value": tick, "y": round(CHART_BOTTOM - plot_height * tick / peak, 1)}
            for tick in ticks
        ],
        "total": total,
        "active_days": len(scored),
        "overall_average": overall,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "bottom": CHART_BOTTOM,
    }


def progress_page(request: HttpRequest, index_page: Any) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    records = list(selectors.progress_for(request.user)[:100])
    return TemplateResponse(
        request,
        "learning/progress_page.html",
        {
            "page": index_page,
            "self": index_page,
            "records": records,
            "categories": selectors.progress_by_category(request.user),
            "chart": chart_geometry(selectors.daily_scores(request.user)),
        },
    )
