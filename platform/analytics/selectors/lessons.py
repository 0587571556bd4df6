"""The learning charts: lesson completion, exercise and question accuracy, the most failed
questions, voice-tutor sessions and AI use."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.db import models
from django.db.models import Sum
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _

from ..models import DailyActive, DailyActiveBy, DailyMetric, DailyObjectMetric
from ..services import monday
from .base import Chart, Scope, _chart, _num, _pct


def _lesson_titles(ids: set[int]) -> dict[int, str]:
    from wagtail.models import Page

    return dict(Page.objects.filter(id__in=ids).values_list("id", "title"))


def lessons_in(scope: Scope) -> frozenset[int] | None:
    """The lessons the learning charts may count: the creator's own (``scope.lesson_ids``)
    narrowed to the chosen course and level; None when nothing narrows them. One query when
    a course or a level is chosen (a course is the lesson's parent page: a SubcategoryPage)."""
    if scope.course is None and not scope.level:
        return scope.lesson_ids
    from wagtail.models import Page

    from cms.learning.models import LessonPage

    lessons = LessonPage.objects.all()
    if scope.course is not None:
        from django.db.models.functions import Left, Length

        course_path = Page.objects.filter(pk=scope.course).values("path")[:1]
        lessons = lessons.annotate(parent=Left("path", Length("path") - Page.steplen)).filter(
            parent=models.Subquery(course_path)
        )
    if scope.level:
        lessons = lessons.filter(level=scope.level)
    found = frozenset(lessons.values_list("pk", flat=True))
    return found if scope.lesson_ids is None else found & scope.lesson_ids


_UNSET: Any = object()


def _object_rows(
    scope: Scope, kinds: set[str], prefix: str, allowed: Any = _UNSET
) -> list[dict[str, Any]]:
    if allowed is _UNSET:
        allowed = lessons_in(scope)
    rows = (
        DailyObjectMetric.objects.filter(
            kind__in=kinds, day__range=(scope.first, scope.last), object_key__startswith=prefix
        )
        .values("kind", "object_key")
        .annotate(events=Sum("events"), users=Sum("users"), failures=Sum("failures"))
        .order_by()
    )
    result: list[dict[str, Any]] = []
    for row in rows:
        lesson_id = _lesson_of(row["object_key"])
        if allowed is not None and lesson_id not in allowed:
            continue
        result.append({**row, "lesson_id": lesson_id})
    return result


def _lesson_of(object_key: str) -> int | None:
    parts = object_key.split(":")
    try:
        return int(parts[1])
    except (IndexError, ValueError):
        return None


def lesson_completion(scope: Scope) -> Chart:
    started: dict[int, int] = defaultdict(int)
    completed: dict[int, int] = defaultdict(int)
    for row in _object_rows(
        scope, {"learning.exercise_attempted", "learning.lesson_completed"}, "lesson:"
    ):
        target = completed if row["kind"] == "learning.lesson_completed" else started
        target[row["lesson_id"]] += row["users"]
    lessons = sorted(set(started) | set(completed), key=lambda i: -started.get(i, 0))[:20]
    titles = _lesson_titles(set(lessons))
    labels = [titles.get(i, f"#{i}") for i in lessons]
    return _chart(
        "lesson_completion",
        _("Lesson completion and drop-off"),
        "bar",
        labels,
        [
            {"label": _("Learner-days practising"), "data": [started.get(i, 0) for i in lessons]},
            {"label": _("Completions"), "data": [completed.get(i, 0) for i in lessons]},
            {
                "label": _("Completion %"),
                "data": [_pct(completed.get(i, 0), started.get(i, 0)) for i in lessons],
                "percent": True,
            },
        ],
        first_column=_("Lesson"),
        notes=_("Drop-off is the gap between learners practising a lesson and completing it."),
    )


def exercise_accuracy(scope: Scope) -> Chart:
    if scope.lesson_ids is not None:
        return question_accuracy(scope)
    metrics = DailyMetric.objects.filter(
        kind="learning.exercise_attempted", day__range=(scope.first, scope.last)
    )
    # Events carry their lesson's course and level (analytics.dimensions): no page join.
    if scope.course is not None:
        metrics = metrics.filter(course=scope.course)
    if scope.level:
        metrics = metrics.filter(level=scope.level)
    rows = list(
        metrics.values("detail")
        .annotate(total=Sum("value_sum"), n=Sum("valued"))
        .order_by("detail")
    )
    return _chart(
        "exercise_accuracy",
        _("Accuracy per exercise type"),
        "bar",
        [row["detail"] or _("unknown") for row in rows],
        [
            {
                "label": _("Average score %"),
                "data": [_pct(_num(row["total"]), row["n"]) for row in rows],
                "percent": True,
            },
            {"label": _("Answers"), "data": [row["n"] for row in rows]},
        ],
        first_column=_("Exercise type"),
    )


def question_accuracy(scope: Scope) -> Chart:
    rows = _object_rows(scope, {"learning.exercise_attempted"}, "block:")
    rows.sort(key=lambda r: -r["events"])
    rows = rows[:20]
    titles = _lesson_titles({r["lesson_id"] for r in rows if r["lesson_id"]})
    return _chart(
        "exercise_accuracy",
        _("Accuracy per question (your lessons)"),
        "bar",
        [_question_label(r["object_key"], titles) for r in rows],
        [
            {
                "label": _("Right first time %"),
                "data": [_pct(r["events"] - r["failures"], r["events"]) for r in rows],
                "percent": True,
            },
            {"label": _("Answers"), "data": [r["events"] for r in rows]},
        ],
        first_column=_("Question"),
    )


def _question_label(object_key: str, titles: dict[int, str]) -> str:
    _prefix, lesson, block = ([*object_key.split(":", 2), "", ""])[:3]
    lesson_id = int(lesson) if lesson.isdigit() else 0
    return f"{titles.get(lesson_id, '#' + lesson)} · {block[:8]}"


def most_failed(scope: Scope) -> Chart:
    rows = [
        r for r in _object_rows(scope, {"learning.exercise_attempted"}, "block:") if r["failures"]
    ]
    rows.sort(key=lambda r: (-r["failures"], r["object_key"]))
    rows = rows[:10]
    titles = _lesson_titles({r["lesson_id"] for r in rows if r["lesson_id"]})
    return _chart(
        "most_failed",
        _("Most-failed questions"),
        "bar",
        [_question_label(r["object_key"], titles) for r in rows],
        [
            {"label": _("Wrong answers"), "data": [r["failures"] for r in rows]},
            {"label": _("Answers"), "data": [r["events"] for r in rows]},
        ],
        first_column=_("Question"),
        index_axis="y",
    )


def tutor_sessions(scope: Scope) -> Chart:
    weeks = scope.weeks
    by_week = {
        row["week"].date() if isinstance(row["week"], datetime) else row["week"]: row
        for row in DailyMetric.objects.filter(
            kind="voice_tutor.session_ended", day__range=(weeks[0], scope.last)
        )
        .annotate(week=TruncWeek("day"))
        .values("week")
        .annotate(n=Sum("events"), total=Sum("value_sum"), valued=Sum("valued"))
        .order_by()
    }
    return _chart(
        "tutor_sessions",
        _("Voice tutor sessions and average score"),
        "bar",
        [w.isoformat() for w in weeks],
        [
            {
                "label": _("Sessions"),
                "data": [by_week[w]["n"] if w in by_week else 0 for w in weeks],
            },
            {
                "label": _("Average score"),
                "percent": True,
                "data": [
                    round(_num(by_week[w]["total"]) / by_week[w]["valued"], 1)
                    if w in by_week and by_week[w]["valued"]
                    else None
                    for w in weeks
                ],
            },
        ],
        first_column=_("Week"),
    )


def vocabulary(scope: Scope) -> Chart:
    """The word banks, per week: words added, words mastered, flashcard reviews, and the
    recall rate (reviews answered Hard, Good or Easy rather than Again: FSRS's "retention"
    as learners actually showed it)."""
    weeks = scope.weeks
    counts: dict[tuple[date, str, str], int] = {}
    for row in (
        DailyMetric.objects.filter(
            kind__in=(
                "vocabulary.word_added",
                "vocabulary.word_mastered",
                "vocabulary.card_reviewed",
            ),
            day__range=(weeks[0], scope.last),
        )
        .annotate(week=TruncWeek("day"))
        .values("week", "kind", "detail")
        .annotate(n=Sum("events"))
        .order_by()
    ):
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        key = (
            week,
            row["kind"],
            row["detail"] if row["kind"] == "vocabulary.card_reviewed" else "",
        )
        counts[key] = counts.get(key, 0) + row["n"]

    def total(week: date, kind: str) -> int:
        return sum(n for (w, k, _d), n in counts.items() if w == week and k == kind)

    def recalled(week: date) -> int:
        return sum(
            n
            for (w, k, detail), n in counts.items()
            if w == week and k == "vocabulary.card_reviewed" and detail not in ("1", "")
        )

    return _chart(
        "vocabulary",
        _("Vocabulary: words added, mastered and reviewed"),
        "bar",
        [w.isoformat() for w in weeks],
        [
            {"label": _("Words added"), "data": [total(w, "vocabulary.word_added") for w in weeks]},
            {
                "label": _("Words mastered"),
                "data": [total(w, "vocabulary.word_mastered") for w in weeks],
            },
            {"label": _("Reviews"), "data": [total(w, "vocabulary.card_reviewed") for w in weeks]},
            {
                # xgettext:no-python-format
                "label": _("Recall %"),
                "percent": True,
                "data": [_pct(recalled(w), total(w, "vocabulary.card_reviewed")) for w in weeks],
            },
        ],
        first_column=_("Week"),
    )


def ai_usage(scope: Scope) -> Chart:
    """People who used an AI feature (translation included) on a day, over everyone active
    that day, summed per week: each person-day counts once, so the share stays within 100 %."""
    weeks = scope.weeks
    ai: dict[date, int] = defaultdict(int)
    for day, users in DailyActiveBy.objects.filter(
        dimension="ai", day__range=(weeks[0], scope.last)
    ).values_list("day", "users"):
        ai[monday(day)] += users
    active: dict[date, int] = defaultdict(int)
    for day, dau in DailyActive.objects.filter(day__range=(weeks[0], scope.last)).values_list(
        "day", "dau"
    ):
        active[monday(day)] += dau
    return _chart(
        "ai_usage",
        _("AI feature usage share"),
        "line",
        [w.isoformat() for w in weeks],
        [
            {
                # xgettext:no-python-format
                "label": _("% of active people-days using AI"),
                "data": [_pct(ai[w], active[w]) for w in weeks],
            }
        ],
        first_column=_("Week"),
    )


def lesson_steps(scope: Scope) -> Chart:
    """Drop-off per step of one lesson: for each exercise step, in the lesson's order, the
    learners who answered it, then those who finished the lesson; each as a share of the
    first step. Read from the per-object daily rollups ("block:<lesson>:<step>" and
    "lesson:<lesson>"), so a learner counts once per day they worked on the step (the same
    learner-days as "Lesson completion"): an event-table count of distinct learners would
    scan every answer of the period. The lesson is ``scope.lesson`` or, when none is
    chosen, the lesson practised most in the period among those the scope may see.
    Queries: the rollup rows of the period (one), the chosen lesson's body (one), and the
    course/level lessons when narrowed (one)."""
    from cms.learning.models import LessonPage

    allowed = lessons_in(scope)
    lesson_id = scope.lesson
    if lesson_id is not None and allowed is not None and lesson_id not in allowed:
        lesson_id = None
    rows = _object_rows(
        scope, {"learning.exercise_attempted", "learning.lesson_completed"}, "lesson:", allowed
    )
    if lesson_id is None:
        practised: dict[int, int] = defaultdict(int)
        for row in rows:
            if row["kind"] == "learning.exercise_attempted" and row["lesson_id"] is not None:
                practised[row["lesson_id"]] += row["users"]
        lesson_id = min(practised, key=lambda i: (-practised[i], i)) if practised else None
    lesson = (
        LessonPage.objects.filter(pk=lesson_id).only("id", "title", "body").first()
        if lesson_id is not None
        else None
    )
    if lesson is None:
        return _chart(
            "lesson_steps",
            _("Drop-off per step"),
            "bar",
            [],
            [
                {"label": _("Learners"), "data": []},
                {"label": _("Share of step 1 (percent)"), "data": []},
            ],
            first_column=_("Step"),
            notes=_("No lesson was practised in this period (with these filters)."),
        )
    finished = sum(
        row["users"]
        for row in rows
        if row["kind"] == "learning.lesson_completed" and row["lesson_id"] == lesson.pk
    )
    prefix = f"block:{lesson.pk}:"
    reached: dict[str, int] = defaultdict(int)
    for object_key, users in DailyObjectMetric.objects.filter(
        kind="learning.exercise_attempted",
        day__range=(scope.first, scope.last),
        object_key__startswith=prefix,
    ).values_list("object_key", "users"):
        reached[object_key.removeprefix(prefix)] += users
    steps = [(str(child.id), child.block_type) for child in lesson.exercises()]
    labels = [
        f"{n}. {block_type.replace('_', ' ')}" for n, (_id, block_type) in enumerate(steps, 1)
    ]
    counts = [reached.get(block_id, 0) for block_id, _type in steps]
    labels.append(_("Finished"))
    counts.append(finished)
    first = counts[0] if steps else finished
    return _chart(
        "lesson_steps",
        _("Drop-off per step: %(lesson)s") % {"lesson": lesson.title},
        "bar",
        labels,
        [
            {"label": _("Learners"), "data": counts},
            {
                "label": _("Share of step 1 (percent)"),
                "data": [_pct(c, first) for c in counts],
                "percent": True,
            },
        ],
        first_column=_("Step"),
        notes=_(
            "Learners (per day) who answered each exercise step in the lesson's order, then "
            "those who finished it. Pick a lesson to see another one."
        ),
        lesson=lesson.pk,
    )


def levels() -> list[tuple[str, str]]:
    from cms.learning.models import Level

    return [(str(value), str(label)) for value, label in Level.choices]


#: At most this many courses and lessons are offered in the dashboard's filters.
FILTER_CHOICES = 300


def learning_filter_choices(scope: Scope) -> dict[str, list[tuple[int, str]]]:
    """The courses and the lessons (of the chosen course and level) a person may pick on
    the learning dashboard, by title. Two queries."""
    from cms.learning.models import LessonPage, SubcategoryPage

    courses = SubcategoryPage.objects.order_by("title")
    lessons = LessonPage.objects.order_by("title")
    allowed = lessons_in(scope) if scope.lesson_ids is not None else None
    if allowed is not None:
        lessons = lessons.filter(pk__in=allowed)
    elif scope.course is not None or scope.level:
        lessons = lessons.filter(pk__in=lessons_in(scope) or [])
    return {
        "courses": list(courses.values_list("pk", "title")[:FILTER_CHOICES]),
        "lessons": list(lessons.values_list("pk", "title")[:FILTER_CHOICES]),
    }
