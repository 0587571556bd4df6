"""Custom reports: one metric from the rollups, grouped by one dimension, filtered, over a
date range; shown as a chart and a table, exported as CSV or XLSX, emailed on a schedule.

Bounded by construction: every report reads the daily rollups (never the event table) in one
aggregate query, over at most 366 days, and returns at most ``MAX_ROWS`` groups.
Country is the two-letter code of the person's profile, copied onto each event when it is
stored (never from an IP address; cleared when the account is deleted), and course is the
lesson's course in the learning tree (its SubcategoryPage): both are typed columns of the
events and of the daily rollups (analytics.models).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils.translation import gettext_lazy as _

from .models import DailyMetric, SavedReport, UserDay

MAX_ROWS = 500
MAX_DAYS = 366


@dataclass(frozen=True)
class Metric:
    label: Any
    kind: str  # "" for active people (UserDay)
    measure: str  # events | users | average


METRICS: dict[str, Metric] = {
    "active_users": Metric(_("Active people"), "", "users"),
    "signups": Metric(_("Sign-ups"), "accounts.signed_up", "events"),
    "exercise_attempts": Metric(_("Exercise answers"), "learning.exercise_attempted", "events"),
    "exercise_score": Metric(_("Average exercise score"), "learning.exercise_attempted", "average"),
    "lessons_completed": Metric(_("Lessons completed"), "learning.lesson_completed", "events"),
    "tutor_sessions": Metric(_("Voice tutor sessions"), "voice_tutor.session_ended", "events"),
    "ai_uses": Metric(_("AI feature uses"), "ai.feature_used", "events"),
    "tutoring_lessons": Metric(
        _("Tutoring lessons attended"), "tutoring.lesson_attended", "events"
    ),
    "payments": Metric(_("Payments"), "payments.paid", "events"),
    "cards_reviewed": Metric(_("Vocabulary cards reviewed"), "vocabulary.card_reviewed", "events"),
}

DIMENSIONS: dict[str, Any] = {
    "day": _("Date (day)"),
    "week": _("Week"),
    "month": _("Month"),
    "language": _("Language"),
    "level": _("Level"),
    "platform": _("Platform (web/app)"),
    "country": _("Country"),
    "course": _("Course"),
    "detail": _("Type (role for sign-ups, exercise type, AI feature…)"),
}
# Active people are counted per person and day (UserDay), which has platform but not the
# event dimensions.
ACTIVE_DIMENSIONS = {"day", "week", "month", "platform"}


@dataclass(frozen=True)
class ReportResult:
    title: str
    metric_label: str
    dimension_label: str
    first: date
    last: date
    rows: list[tuple[str, float]]
    truncated: bool

    def chart(self) -> dict[str, Any]:
        return {
            "labels": [label for label, _value in self.rows],
            "values": [value for _label, value in self.rows],
            "label": self.metric_label,
            "type": "line" if self.dimension_label in {"day", "week", "month"} else "bar",
        }


def _group_expression(group_by: str) -> Any:
    if group_by == "week":
        return TruncWeek("day")
    if group_by == "month":
        return TruncMonth("day")
    return F(group_by)


def _label(key: Any) -> str:
    if isinstance(key, date):
        return key.isoformat()
    return str(key) if key not in (None, "") else "(none)"


def _course_titles(rows: list[dict[str, Any]]) -> dict[Any, str]:
    """Course page titles for the course ids of ``rows`` (one query), "#id" for a page that
    is gone."""
    from wagtail.models import Page

    ids = {row["key"] for row in rows if row["key"] is not None}
    titles = dict(Page.objects.filter(pk__in=ids).values_list("pk", "title")) if ids else {}
    return {pk: titles.get(pk, f"#{pk}") for pk in ids}


def date_range(report: SavedReport, *, today: date) -> tuple[date, date]:
    """The report's first and last day: its fixed range when it has one, else the last
    ``days`` days up to ``today``. Either way at most ``MAX_DAYS`` long and never past
    ``today`` (a range saved long ago still reads the same days; only its end is clipped
    if it was saved with an end that has not come yet)."""
    if report.date_from and report.date_to:
        last = min(report.date_to, today)
        first = max(min(report.date_from, last), last - timedelta(days=MAX_DAYS - 1))
        return first, last
    days = max(1, min(report.days, MAX_DAYS))
    return today - timedelta(days=days - 1), today


def run(report: SavedReport, *, today: date) -> ReportResult:
    metric = METRICS[report.metric]
    first, last = date_range(report, today=today)
    group_by = report.group_by if report.group_by in DIMENSIONS else "day"
    rows: Any
    if metric.kind == "":
        if group_by not in ACTIVE_DIMENSIONS:
            group_by = "day"
        people = UserDay.objects.filter(day__range=(first, last))
        if report.platform:
            people = people.filter(platform=report.platform)
        rows = (
            people.annotate(key=_group_expression(group_by))
            .values("key")
            .annotate(value=Count("user", distinct=True))
            .order_by("key")
        )
    else:
        metrics = DailyMetric.objects.filter(kind=metric.kind, day__range=(first, last))
        for field in ("language", "level", "platform", "country"):
            if getattr(report, field):
                metrics = metrics.filter(**{field: getattr(report, field)})
        grouped = metrics.annotate(key=_group_expression(group_by)).values("key")
        if metric.measure == "average":
            rows = grouped.annotate(total=Sum("value_sum"), count=Sum("valued")).order_by("key")
        else:
            rows = grouped.annotate(value=Sum("events")).order_by("key")
    found = list(rows[: MAX_ROWS + 1])
    titles = _course_titles(found[:MAX_ROWS]) if group_by == "course" else {}
    result_rows: list[tuple[str, float]] = []
    for row in found[:MAX_ROWS]:
        label = titles.get(row["key"], _label(row["key"]))
        if metric.measure == "average":
            count = row["count"] or 0
            value = float(Decimal(row["total"] or 0) / count) if count else 0.0
            result_rows.append((label, round(value, 3)))
        else:
            result_rows.append((label, float(row["value"] or 0)))
    return ReportResult(
        title=report.name,
        metric_label=str(metric.label),
        dimension_label=group_by,
        first=first,
        last=last,
        rows=result_rows,
        truncated=len(found) > MAX_ROWS,
    )


def _header(result: ReportResult) -> list[str]:
    return [str(DIMENSIONS[result.dimension_label]), result.metric_label]


def as_csv(result: ReportResult) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_header(result))
    for label, value in result.rows:
        writer.writerow([label, value])
    return buffer.getvalue().encode()


def as_xlsx(result: ReportResult) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=result.title[:31] or "Report")
    sheet.append([result.title, f"{result.first.isoformat()} to {result.last.isoformat()}"])
    sheet.append(_header(result))
    for label, value in result.rows:
        sheet.append([label, value])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
