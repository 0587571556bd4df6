"""The platform charts: active people, stickiness, sign-ups, lifecycle, cohorts and retention,
active people by platform, language and country."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import Count, DateField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import CohortWeek, DailyActive, DailyActiveBy, DailyMetric, FirstActive
from ..services import monday
from .base import Chart, Scope, _chart, _pct, today


def active_users(scope: Scope) -> Chart:
    rows = {
        row.day: row for row in DailyActive.objects.filter(day__range=(scope.first, scope.last))
    }
    days = scope.days
    return _chart(
        "active_users",
        _("Active people: DAU, WAU, MAU"),
        "line",
        [d.isoformat() for d in days],
        [
            {"label": _("DAU"), "data": [rows[d].dau if d in rows else 0 for d in days]},
            {"label": _("WAU (7 days)"), "data": [rows[d].wau if d in rows else 0 for d in days]},
            {"label": _("MAU (30 days)"), "data": [rows[d].mau if d in rows else 0 for d in days]},
        ],
        first_column=_("Day"),
        notes=_("Active: did a learning, social, tutoring, AI or paid action that day."),
    )


def stickiness(scope: Scope) -> Chart:
    rows = {
        row.day: row for row in DailyActive.objects.filter(day__range=(scope.first, scope.last))
    }
    days = scope.days
    return _chart(
        "stickiness",
        _("Stickiness (DAU / MAU)"),
        "line",
        [d.isoformat() for d in days],
        [
            {
                "label": _("DAU/MAU %"),
                "data": [_pct(rows[d].dau, rows[d].mau) if d in rows else None for d in days],
            }
        ],
        first_column=_("Day"),
    )


def signups_by_role(scope: Scope) -> Chart:
    weeks = scope.weeks
    counts: dict[str, dict[date, int]] = defaultdict(dict)
    for row in (
        DailyMetric.objects.filter(kind="accounts.signed_up", day__range=(weeks[0], scope.last))
        .annotate(week=TruncWeek("day"))
        .values("week", "detail")
        .annotate(n=Sum("events"))
        .order_by()
    ):
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        counts[row["detail"] or "unknown"][week] = row["n"]
    return _chart(
        "signups_by_role",
        _("Sign-ups by role, per week"),
        "bar",
        [w.isoformat() for w in weeks],
        [
            {"label": role, "data": [by_week.get(w, 0) for w in weeks]}
            for role, by_week in sorted(counts.items())
        ],
        first_column=_("Week"),
        stacked=True,
    )


def lifecycle(scope: Scope) -> Chart:
    weeks = scope.weeks
    before = weeks[0] - timedelta(weeks=1)
    counts: dict[tuple[date, str], int] = {
        (row["week"], row["status"]): row["n"]
        for row in CohortWeek.objects.filter(week__range=(before, weeks[-1]))
        .values("week", "status")
        .annotate(n=Sum("users"))
        .order_by()
    }
    totals: dict[date, int] = defaultdict(int)
    for (week, _status), n in counts.items():
        totals[week] += n

    def dormant(week: date) -> int:
        # Active the week before, not this week: last week's total minus this week's
        # returning people.
        return -(totals[week - timedelta(weeks=1)] - counts.get((week, "returning"), 0))

    statuses = [(_("New"), "new"), (_("Returning"), "returning"), (_("Resurrected"), "resurrected")]
    return _chart(
        "lifecycle",
        _("Lifecycle per week"),
        "bar",
        [w.isoformat() for w in weeks],
        [
            *[
                {"label": label, "data": [counts.get((w, status), 0) for w in weeks]}
                for label, status in statuses
            ],
            {"label": _("Dormant"), "data": [dormant(w) for w in weeks]},
        ],
        first_column=_("Week"),
        stacked=True,
        notes=_(
            "New: signed up that week. Returning: also active the week before. Resurrected: "
            "back after a week or more away. Dormant: active the week before, not this week."
        ),
    )


def cohort_table(scope: Scope, *, max_weeks: int = 12) -> dict[str, Any]:
    """Weekly sign-up cohorts by weeks since sign-up: the share of each cohort active in that
    week. A cell whose week has not ended yet is incomplete (``None`` in ``incomplete``)."""
    weeks = scope.weeks[-max_weeks:]
    now_week = monday(today())
    sizes: dict[date, int] = {}
    for row in (
        User.objects.filter(
            date_joined__gte=datetime.combine(weeks[0], datetime.min.time(), tzinfo=UTC),
            date_joined__lt=datetime.combine(
                weeks[-1] + timedelta(weeks=1), datetime.min.time(), tzinfo=UTC
            ),
        )
        .annotate(week=TruncWeek("date_joined", tzinfo=UTC))
        .values("week")
        .annotate(n=Count("id"))
        .order_by()
    ):
        sizes[row["week"].date()] = row["n"]
    # CohortWeek: UserWeek counted per cohort, week and status by the rollup.
    active: dict[tuple[date, date], int] = {
        (row["cohort_week"], row["week"]): row["n"]
        for row in CohortWeek.objects.filter(cohort_week__in=weeks, week__gte=weeks[0])
        .values("cohort_week", "week")
        .annotate(n=Sum("users"))
        .order_by()
    }
    offsets = list(range(len(weeks)))
    rows = []
    for cohort in weeks:
        size = sizes.get(cohort, 0)
        cells: list[float | None] = []
        incomplete: list[bool] = []
        for offset in offsets:
            week = cohort + timedelta(weeks=offset)
            if week > now_week:
                cells.append(None)
                incomplete.append(True)
                continue
            cells.append(_pct(active.get((cohort, week), 0), size) if size else None)
            incomplete.append(week == now_week)
        rows.append(
            {"cohort": cohort.isoformat(), "size": size, "cells": cells, "incomplete": incomplete}
        )
    return {"offsets": offsets, "rows": rows}


def activation(scope: Scope) -> Chart:
    """ACTIVATION: of the people who signed up in a week, the share whose first active day
    (``UserDay``: an action of core.activity.ACTIVE_KINDS, never a sign-in alone) came within
    7 days of signing up (the UTC day of sign-up and the 6 after it). A week whose last
    sign-ups have not had their 7 days yet is partial: its share can still rise."""
    weeks = scope.weeks[-12:]
    start = datetime.combine(weeks[0], datetime.min.time(), tzinfo=UTC)
    end = datetime.combine(weeks[-1] + timedelta(weeks=1), datetime.min.time(), tzinfo=UTC)
    sizes: dict[date, int] = {
        row["week"].date(): row["n"]
        for row in User.objects.filter(date_joined__gte=start, date_joined__lt=end)
        .annotate(week=TruncWeek("date_joined", tzinfo=UTC))
        .values("week")
        .annotate(n=Count("id"))
        .order_by()
    }
    # FirstActive: each person's first UserDay, kept by the rollup; one row per person.
    activated: dict[date, int] = {
        row["cohort_week"]: row["n"]
        for row in FirstActive.objects.filter(
            cohort_week__in=weeks,
            day__lt=ExpressionWrapper(
                F("joined_day") + timedelta(days=7), output_field=DateField()
            ),
        )
        .values("cohort_week")
        .annotate(n=Count("user"))
        .order_by()
    }
    settled = today() - timedelta(days=7)
    return _chart(
        "activation",
        _("Activation: sign-ups active within 7 days"),
        "bar",
        [w.isoformat() for w in weeks],
        [
            {"label": _("Signed up"), "data": [sizes.get(w, 0) for w in weeks]},
            {"label": _("Active within 7 days"), "data": [activated.get(w, 0) for w in weeks]},
            {
                # xgettext:no-python-format
                "label": _("% activated"),
                "data": [_pct(activated.get(w, 0), sizes.get(w, 0)) for w in weeks],
            },
        ],
        first_column=_("Week of sign-up"),
        notes=_("Weeks after %(day)s are still partial: their sign-ups have not had 7 days.")
        % {"day": settled.isoformat()},
    )


def retention(scope: Scope) -> Chart:
    table = cohort_table(scope)
    columns = [_("Cohort (week of sign-up)"), _("People")] + [
        _("Week %(n)s") % {"n": n} for n in table["offsets"]
    ]
    return {
        "key": "retention",
        "title": _("Weekly cohort retention"),
        "type": "heatmap",
        "labels": [row["cohort"] for row in table["rows"]],
        "datasets": [],
        "columns": columns,
        "rows": [[row["cohort"], row["size"], *row["cells"]] for row in table["rows"]],
        "incomplete": [row["incomplete"] for row in table["rows"]],
        "notes": _(
            "Share of each week's sign-ups active N weeks later. Marked cells: the week is "
            "not over yet; empty cells: it has not come yet."
        ),
    }


def _daily_by(scope: Scope, dimension: str, key: str, title: str) -> Chart:
    """Distinct active people per day and value of one event dimension (DailyActiveBy):
    someone active in two languages counts in both lines, but once in each."""
    days = scope.days
    counts: dict[str, dict[date, int]] = defaultdict(dict)
    for day, value, users in DailyActiveBy.objects.filter(
        dimension=dimension, day__range=(scope.first, scope.last)
    ).values_list("day", "value", "users"):
        counts[value or _("unknown")][day] = users
    return _chart(
        key,
        title,
        "line",
        [d.isoformat() for d in days],
        [
            {"label": label, "data": [by_day.get(d, 0) for d in days]}
            for label, by_day in sorted(counts.items())
        ],
        first_column=_("Day"),
    )


def active_by_platform(scope: Scope) -> Chart:
    return _daily_by(scope, "platform", "active_by_platform", _("Active people by platform"))


def active_by_language(scope: Scope) -> Chart:
    return _daily_by(scope, "language", "active_by_language", _("Active people by language"))


def active_by_country(scope: Scope) -> Chart:
    """The profile country copied onto each event (an ISO code; "unknown" when the profile
    gives none): never located from an address."""
    return _daily_by(scope, "country", "active_by_country", _("Active people by country"))
