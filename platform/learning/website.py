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
    categories = list(selectors.categories_for_learner(locale))
    return {
        "tree": selectors.category_tree(categories, locale),
        "lessons": items,
        "lesson_page": page,
        "ancestry": selectors.ancestry_of(items),
        "progress": selectors.progress_by_lesson(request.user, [lesson.id for lesson in items]),
        "searching": searching,
        "filters": data,
        "levels": Level.choices,
        "languages": TARGET_LANGUAGES,
        "categories": categories,
        "filter_errors": filters.errors,
    }


def progress_page(request: HttpRequest, index_page: Any) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    records = list(selectors.progress_for(request.user)[:100])
    series = selectors.daily_scores(request.user)
    peak = max([count for _, count, _ in series] + [1])
    return TemplateResponse(
        request,
        "learning/progress_page.html",
        {
            "page": index_page,
            "self": index_page,
            "records": records,
            "categories": selectors.progress_by_category(request.user),
            "series": [
                {
                    "day": day,
                    "count": count,
                    "average": average,
                    "height": round(100 * count / peak),
                }
                for day, count, average in series
            ],
        },
    )
