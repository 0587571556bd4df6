"""The goals dashboard: the numbers the platform set itself targets for."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from ..models import (
    AnalyticsSettings,
    DailyActive,
    DailyActiveBy,
    DailyKindTotal,
    DailyObjectMetric,
)
from .base import Chart, Scope, _num, _pct
from .usage import cohort_table


def by(label: str, deadline: date | None) -> str:
    """A goal's label with its target date, when the operator set one."""
    if deadline is None:
        return label
    return _("%(goal)s, by %(date)s") % {"goal": label, "date": deadline.isoformat()}


def goals(scope: Scope) -> Chart:
    settings = AnalyticsSettings.load()
    latest = DailyActive.objects.filter(day__lte=scope.last).order_by("-day").first()
    cohorts = cohort_table(Scope(scope.last - timedelta(weeks=12), scope.last))
    week1 = [
        r
        for r in cohorts["rows"]
        if len(r["cells"]) > 1 and r["cells"][1] is not None and not r["incomplete"][1]
    ]
    week4 = [
        r
        for r in cohorts["rows"]
        if len(r["cells"]) > 4 and r["cells"][4] is not None and not r["incomplete"][4]
    ]

    def weighted(rows: list[dict[str, Any]], offset: int) -> float | None:
        size = sum(r["size"] for r in rows)
        return round(sum(r["cells"][offset] * r["size"] for r in rows) / size, 1) if size else None

    # DailyKindTotal: DailyMetric summed per day and kind by the rollup (90 rows a kind
    # instead of every dimension combination: benchmarks/analytics/results.md).
    metrics = DailyKindTotal.objects.filter(
        kind__in=["learning.exercise_attempted", "tutoring.review_left"],
        day__range=(scope.first, scope.last),
    ).aggregate(
        answers=Sum("valued", filter=Q(kind="learning.exercise_attempted")),
        score=Sum("value_sum", filter=Q(kind="learning.exercise_attempted")),
        ratings=Sum("valued", filter=Q(kind="tutoring.review_left")),
        stars=Sum("value_sum", filter=Q(kind="tutoring.review_left")),
    )
    lessons = DailyObjectMetric.objects.filter(
        kind__in=["learning.exercise_attempted", "learning.lesson_completed"],
        day__range=(scope.first, scope.last),
        object_key__startswith="lesson:",
    ).aggregate(
        started=Sum("users", filter=Q(kind="learning.exercise_attempted")),
        completed=Sum("users", filter=Q(kind="learning.lesson_completed")),
    )
    dau_days = DailyActive.objects.filter(day__range=(scope.first, scope.last)).aggregate(
        total=Sum("dau")
    )["total"]
    ai_days = DailyActiveBy.objects.filter(
        dimension="ai", day__range=(scope.first, scope.last)
    ).aggregate(total=Sum("users"))["total"]
    rating = round(_num(metrics["stars"]) / metrics["ratings"], 2) if metrics["ratings"] else None
    lines: list[tuple[str, Any, Any, bool]] = [
        (
            by(_("Daily active users"), settings.goal_dau_by),
            settings.goal_dau,
            latest.dau if latest else 0,
            True,
        ),
        (
            by(_("Monthly active users"), settings.goal_mau_by),
            settings.goal_mau,
            latest.mau if latest else 0,
            True,
        ),
        (_("7-day retention %"), settings.goal_retention_7d, weighted(week1, 1), True),
        (_("30-day retention %"), settings.goal_retention_30d, weighted(week4, 4), True),
        (
            _("Lesson completion %"),
            settings.goal_lesson_completion,
            _pct(lessons["completed"] or 0, lessons["started"] or 0),
            True,
        ),
        (
            _("Exercise accuracy %"),
            settings.goal_exercise_accuracy,
            _pct(_num(metrics["score"]), metrics["answers"] or 0),
            True,
        ),
        (
            # xgettext:no-python-format
            _("AI usage, % of active people-days"),
            settings.goal_ai_usage,
            _pct(ai_days or 0, dau_days or 0),
            True,
        ),
        (_("Average rating"), float(settings.goal_average_rating), rating, True),
        (
            # xgettext:no-python-format
            _("Support tickets, % of users (not measured)"),
            settings.goal_support_tickets,
            None,
            False,
        ),
    ]
    rows = []
    for label, target, actual, higher_is_better in lines:
        met = (
            None if actual is None else (actual >= target if higher_is_better else actual <= target)
        )
        rows.append([label, target, actual, met])
    return {
        "key": "goals",
        "title": _("Goals"),
        "type": "goals",
        "labels": [row[0] for row in rows],
        "datasets": [
            {"label": _("Target"), "data": [row[1] for row in rows]},
            {"label": _("Actual"), "data": [row[2] for row in rows]},
        ],
        "columns": [_("Goal"), _("Target"), _("Actual"), _("Met")],
        "rows": rows,
        "notes": _(
            "Retention: share of complete weekly cohorts active 1 (7-day) or 4 (30-day) weeks "
            "after signing up. Support tickets are not measured yet (no support desk)."
        ),
    }
