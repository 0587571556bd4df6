"""The learning charts: lesson completion, exercise and question accuracy, the most failed
questions, voice-tutor sessions and AI use."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _

from ..models import DailyActive, DailyActiveBy, DailyMetric, DailyObjectMetric
from ..services import monday
from .base import Chart, Scope, _chart, _num, _pct


def _lesson_titles(ids: set[int]) -> dict[int, str]:
    from wagtail.models import Page

    return dict(Page.objects.filter(id__in=ids).values_list("id", "title"))


def _object_rows(scope: Scope, kinds: set[str], prefix: str) -> list[dict[str, Any]]:
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
        if scope.lesson_ids is not None and lesson_id not in scope.lesson_ids:
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
    rows = list(
        DailyMetric.objects.filter(
            kind="learning.exercise_attempted", day__range=(scope.first, scope.last)
        )
        .values("detail")
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
