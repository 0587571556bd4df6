"""Reads for learners. Lessons are public content (live, not view-restricted) served in the
learner's locale, falling back to the default (source) locale where no live translation
exists; progress and attempts are private: every function takes the user and reads only
their rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail.query import PageQuerySet

from accounts.roles import Role
from accounts.selectors import has_role
from cms.learning.covers import COVER_RENDITION, prefetch_cover_renditions  # noqa: F401 - re-exported for the app's lists
from cms.learning.models import CategoryPage, LessonPage, SubcategoryPage
from core.request_context import once_per_request

from .models import AttemptStatus, ExerciseAttempt, LessonProgress, ProgressStatus


@once_per_request
def default_locale() -> Locale:
    return Locale.get_default()


@once_per_request
def _view_restricted() -> Q:
    """Pages under a view restriction (Wagtail's ``PageQuerySet.private_q``, whose restriction
    list is otherwise read again for every queryset of a page)."""
    restricted = Q()
    for restriction in PageViewRestriction.objects.select_related("page"):
        restricted |= Q(path__startswith=restriction.page.path)
    return restricted


def _public(queryset: PageQuerySet) -> PageQuerySet:
    restricted = _view_restricted()
    return queryset.exclude(restricted) if restricted else queryset


def learner_locale(request: HttpRequest, *, profile_first: bool = False) -> Locale:
    """``?locale=`` first; then, with ``profile_first`` (the API) and a signed-in learner, the
    interface language of their profile, which the apps set once and expect everywhere; then
    the request's language (LocaleMiddleware: URL prefix, cookie, Accept-Language). The
    website passes no ``profile_first``: there the URL's language prefix is the reader's
    explicit choice. The default locale when none of them has content."""
    explicit = request.GET.get("locale")
    if explicit:
        return Locale.objects.filter(language_code=explicit).first() or default_locale()
    codes: list[str] = []
    if profile_first and request.user.is_authenticated:
        from accounts.models import Profile

        codes += Profile.objects.filter(user=request.user).values_list(
            "interface_language", flat=True
        )
    codes.append(getattr(request, "LANGUAGE_CODE", "") or "")
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    return next((locales[code] for code in codes if code in locales), default_locale())


def _localized(queryset: PageQuerySet, locale: Locale) -> PageQuerySet:
    default = default_locale()
    live = _public(queryset.live())
    if locale.pk == default.pk:
        return live.filter(locale=default)
    translated = live.filter(locale=locale).values("translation_key")
    return live.filter(Q(locale=locale) | (Q(locale=default) & ~Q(translation_key__in=translated)))


def lessons_for_learner(locale: Locale) -> QuerySet[LessonPage]:
    return _localized(LessonPage.objects.all(), locale).select_related("cover_image", "locale")


def categories_for_learner(locale: Locale) -> QuerySet[CategoryPage]:
    return _localized(CategoryPage.objects.all(), locale).order_by("sort_order", "path")


def search_lessons(
    locale: Locale,
    *,
    query: str = "",
    level: str = "",
    language: str = "",
    category: Page | None = None,
) -> Any:
    """Filtered lessons; with a query, Wagtail search (PostgreSQL full-text search on
    PostgreSQL) ordered by relevance."""
    lessons = lessons_for_learner(locale)
    if level:
        lessons = lessons.filter(level=level)
    if language:
        lessons = lessons.filter(target_language=language)
    if category is not None:
        # A category of another locale still selects its translation's lessons.
        scopes = Page.objects.filter(translation_key=category.translation_key)
        condition = Q()
        for scope in scopes:
            condition |= Q(path__startswith=scope.path, depth__gt=scope.depth)
        lessons = lessons.filter(condition)
    if not query:
        return lessons.order_by("path")
    ids = list(lessons.values_list("id", flat=True))
    return (
        LessonPage.objects.filter(id__in=ids)
        .select_related("cover_image", "locale")
        .search(query, operator="and")
    )


def lesson_for_learner(lesson_id: int, locale: Locale | None = None) -> LessonPage:
    """The live lesson, in ``locale`` when a live translation exists."""
    lesson = LessonPage.objects.live().public().filter(id=lesson_id).first()
    if lesson is None:
        raise Http404("No such lesson.")
    if locale is not None and lesson.locale_id != locale.pk:
        translation = (
            LessonPage.objects.live()
            .public()
            .filter(translation_key=lesson.translation_key, locale=locale)
            .first()
        )
        if translation is not None:
            return translation
    return lesson


@dataclass(frozen=True)
class Ancestry:
    category: Page | None
    subcategory: Page | None


def ancestry_of(lessons: Iterable[Page]) -> dict[int, Ancestry]:
    """Category and subcategory of each lesson, in one query (tree paths: 4 chars a level)."""
    lessons = list(lessons)
    paths = {p for lesson in lessons for p in (lesson.path[:-4], lesson.path[:-8])}
    pages = {
        page.path: page
        for page in Page.objects.filter(path__in=paths).only("id", "title", "slug", "path")
    }
    return {
        lesson.id: Ancestry(
            category=pages.get(lesson.path[:-8]), subcategory=pages.get(lesson.path[:-4])
        )
        for lesson in lessons
    }


def progress_by_lesson(user: Any, lessons: Iterable[Page]) -> dict[int, LessonProgress]:
    """The learner's progress for each of these lessons by page id, whatever translation of
    the lesson they took (progress is keyed by translation_key)."""
    lessons = list(lessons)
    if not user.is_authenticated or not lessons:
        return {}
    by_key = {
        progress.translation_key: progress
        for progress in LessonProgress.objects.filter(
            user=user, translation_key__in={lesson.translation_key for lesson in lessons}
        )
    }
    return {
        lesson.id: by_key[lesson.translation_key]
        for lesson in lessons
        if lesson.translation_key in by_key
    }


@dataclass(frozen=True)
class CategoryNode:
    category: CategoryPage
    subcategories: list[tuple[Page, int]]
    lesson_count: int


def category_tree(categories: Iterable[CategoryPage], locale: Locale) -> list[CategoryNode]:
    """Categories with their subcategories and live lesson counts: two queries, whatever the
    number of categories."""
    categories = list(categories)
    if not categories:
        return []
    lesson_paths = list(lessons_for_learner(locale).values_list("path", flat=True))
    prefix = Q()
    for category in categories:
        prefix |= Q(path__startswith=category.path)
    subcategories = (
        _localized(SubcategoryPage.objects.all(), locale).filter(prefix).order_by("path")
    )
    # A fallback lesson lives in the source tree: count it under the translated category
    # through the translation key of its ancestors.
    keys = dict(
        Page.objects.filter(
            path__in={p[:-4] for p in lesson_paths} | {p[:-8] for p in lesson_paths}
        ).values_list("path", "translation_key")
    )
    counts: dict[Any, int] = defaultdict(int)
    for path in lesson_paths:
        counts[keys.get(path[:-4])] += 1
        counts[keys.get(path[:-8])] += 1
    by_category: dict[str, list[tuple[Page, int]]] = defaultdict(list)
    for sub in subcategories:
        by_category[sub.path[:-4]].append((sub, counts[sub.translation_key]))
    return [
        CategoryNode(
            category=category,
            subcategories=by_category[category.path],
            lesson_count=counts[category.translation_key],
        )
        for category in categories
    ]


def progress_for(user: Any) -> QuerySet[LessonProgress]:
    return (
        LessonProgress.objects.filter(user=user)
        .select_related("lesson")
        .order_by("-last_activity_at", "-id")
    )


def attempt_for(user: Any, attempt_id: Any) -> ExerciseAttempt:
    attempt = ExerciseAttempt.objects.filter(user=user, id=attempt_id).first()
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def attempt_recording_for(user: Any, attempt_id: Any) -> ExerciseAttempt:
    """A voice attempt's recording, for the learner who made it and for moderators (who act
    on reports); 404 for anyone else, so whether it exists is not told."""
    if not user.is_authenticated:
        raise Http404("No such recording.")
    attempts = ExerciseAttempt.objects.exclude(audio="")
    if not has_role(user, Role.MODERATOR):
        attempts = attempts.filter(user=user)
    attempt = attempts.filter(id=attempt_id).first()
    if attempt is None:
        raise Http404("No such recording.")
    return attempt


@dataclass(frozen=True)
class CategoryProgress:
    category: Page
    lessons_total: int
    lessons_started: int
    lessons_completed: int
    average_best_score: float
    attempts: int
    time_spent_seconds: int
    last_activity_at: Any


def progress_by_category(user: Any) -> list[CategoryProgress]:
    records = list(progress_for(user))
    paths = {record.lesson.path[:-8] for record in records}
    categories = {page.path: page for page in Page.objects.filter(path__in=paths).order_by("path")}
    grouped: dict[str, list[LessonProgress]] = defaultdict(list)
    for record in records:
        grouped[record.lesson.path[:-8]].append(record)
    # Out of how many: the category's live lessons (two levels below it), in one query.
    totals: dict[str, int] = defaultdict(int)
    if categories:
        under = Q()
        for path in categories:
            under |= Q(path__startswith=path, depth=len(path) // 4 + 2)
        for lesson_path in LessonPage.objects.live().filter(under).values_list("path", flat=True):
            totals[lesson_path[:-8]] += 1
    summary = []
    for path, category in categories.items():
        rows = grouped[path]
        summary.append(
            CategoryProgress(
                category=category,
                lessons_total=max(totals[path], len(rows)),
                lessons_started=len(rows),
                lessons_completed=sum(r.status == ProgressStatus.COMPLETED for r in rows),
                average_best_score=round(sum(float(r.best_score) for r in rows) / len(rows), 2),
                attempts=sum(r.attempt_count for r in rows),
                time_spent_seconds=sum(r.time_spent_seconds for r in rows),
                last_activity_at=max(r.last_activity_at for r in rows),
            )
        )
    return summary


def daily_scores(user: Any, days: int = 14) -> list[tuple[Any, int, float]]:
    """(day, attempts, average score 0..100) for the last ``days`` days, for the chart."""
    since = timezone.now() - timedelta(days=days - 1)
    start = since.date()
    rows = (
        ExerciseAttempt.objects.filter(
            user=user, status=AttemptStatus.SCORED, created_at__date__gte=start
        )
        .values("created_at__date")
        .annotate(count=Count("id"), average=Avg("score"))
    )
    by_day = {row["created_at__date"]: row for row in rows}
    series = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        row = by_day.get(day)
        series.append(
            (day, row["count"] if row else 0, round(float(row["average"]) * 100, 1) if row else 0.0)
        )
    return series


def lesson_statistics(lessons: Iterable[Page]) -> dict[int, dict[str, Any]]:
    """Learners, completion rate and average best score per lesson (creator dashboard), its
    translations included."""
    keys = {lesson.translation_key: lesson.id for lesson in lessons}
    rows = (
        LessonProgress.objects.filter(translation_key__in=list(keys))
        .values("translation_key")
        .annotate(
            learners=Count("user_id"),
            completed=Count("id", filter=Q(status=ProgressStatus.COMPLETED)),
            average=Avg("best_score"),
        )
    )
    return {
        keys[row["translation_key"]]: {
            "learners": row["learners"],
            "completion_rate": round(100 * row["completed"] / row["learners"])
            if row["learners"]
            else 0,
            "average_score": round(float(row["average"] or 0), 1),
        }
        for row in rows
    }


def stale_pending_voice_attempts(older_than: timedelta) -> list[Any]:
    return list(
        ExerciseAttempt.objects.filter(
            status=AttemptStatus.PENDING, created_at__lt=timezone.now() - older_than
        ).values_list("id", flat=True)[:500]
    )
