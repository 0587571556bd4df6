"""Reads for the dashboards: every chart is one function of a date range that reads the
rollups (never the event table), in a fixed number of queries.

A chart is a dict: ``key``, ``title``, ``type`` (a Chart.js type, or ``heatmap``),
``labels`` and ``datasets`` for the drawing, and ``columns`` and ``rows`` for the table view
and the CSV download (the same numbers, so a chart can always be read as a table).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.activity import ACTIVE_KINDS

from .models import (
    AnalyticsSettings,
    DailyActive,
    DailyLedger,
    DailyMetric,
    DailyObjectMetric,
    UserWeek,
)
from .services import monday

#: "Active" (DAU/WAU/MAU, lifecycle, retention): a person who did at least one of
#: core.activity.ACTIVE_KINDS that day — a learning, vocabulary, voice-tutor, tutoring,
#: translation/AI, payment, study-abroad or social action. Sign-ins, sign-ups, refunds and
#: page views do not count. The rollup (services.roll_up_day) applies it when it writes
#: UserDay; every count below reads UserDay, UserWeek or DailyActive only.
ACTIVE_DEFINITION = ACTIVE_KINDS

Chart = dict[str, Any]


@dataclass(frozen=True)
class Scope:
    """Who is asking and for which days. ``lesson_ids`` is None for those who see
    everything; for a content creator it is the set of lessons they own."""

    first: date
    last: date
    lesson_ids: frozenset[int] | None = None
    currency: str = ""

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    @property
    def weeks(self) -> list[date]:
        start = monday(self.first)
        return [start + timedelta(weeks=n) for n in range((self.last - start).days // 7 + 1)]


def today() -> date:
    return timezone.now().astimezone(UTC).date()


def _chart(
    key: str,
    title: str,
    kind: str,
    labels: list[str],
    datasets: list[dict[str, Any]],
    *,
    first_column: str,
    notes: str = "",
    **extra: Any,
) -> Chart:
    columns = [first_column, *[d["label"] for d in datasets]]
    rows = [[label, *[d["data"][i] for d in datasets]] for i, label in enumerate(labels)]
    return {
        "key": key,
        "title": title,
        "type": kind,
        "labels": labels,
        "datasets": datasets,
        "columns": columns,
        "rows": rows,
        "notes": notes,
        **extra,
    }


def _num(value: Any) -> float:
    return float(value) if value is not None else 0.0


def _pct(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


# --- Platform -----------------------------------------------------------------------------


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
        for row in UserWeek.objects.filter(week__range=(before, weeks[-1]))
        .values("week", "status")
        .annotate(n=Count("user"))
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
    active: dict[tuple[date, date], int] = {
        (row["cohort_week"], row["week"]): row["n"]
        for row in UserWeek.objects.filter(cohort_week__in=weeks, week__gte=weeks[0])
        .values("cohort_week", "week")
        .annotate(n=Count("user"))
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


def _daily_by(
    scope: Scope, field: str, kinds: frozenset[str] | set[str], key: str, title: str
) -> Chart:
    days = scope.days
    counts: dict[str, dict[date, int]] = defaultdict(dict)
    for row in (
        DailyMetric.objects.filter(kind__in=kinds, day__range=(scope.first, scope.last))
        .values("day", field)
        .annotate(n=Sum("users"))
        .order_by()
    ):
        counts[row[field] or _("unknown")][row["day"]] = row["n"]
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
    return _daily_by(
        scope, "platform", ACTIVE_KINDS, "active_by_platform", _("Active people-days by platform")
    )


def active_by_language(scope: Scope) -> Chart:
    return _daily_by(
        scope, "language", ACTIVE_KINDS, "active_by_language", _("Active people-days by language")
    )


def active_by_country(scope: Scope) -> Chart:
    """The profile country copied onto each event (an ISO code; "unknown" when the profile
    gives none): never located from an address."""
    return _daily_by(
        scope, "country", ACTIVE_KINDS, "active_by_country", _("Active people-days by country")
    )


# --- Learning -----------------------------------------------------------------------------


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


AI_KINDS = frozenset({"ai.feature_used", "translation.translated"})


def ai_usage(scope: Scope) -> Chart:
    weeks = scope.weeks
    ai: dict[date, int] = defaultdict(int)
    for row in (
        DailyMetric.objects.filter(kind__in=AI_KINDS, day__range=(weeks[0], scope.last))
        .annotate(week=TruncWeek("day"))
        .values("week")
        .annotate(n=Sum("users"))
        .order_by()
    ):
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        ai[week] = row["n"]
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


# --- Marketplace --------------------------------------------------------------------------


def bookings(scope: Scope) -> Chart:
    from tutoring.models import Booking, BookingStatus

    weeks = scope.weeks
    start = datetime.combine(weeks[0], datetime.min.time(), tzinfo=UTC)
    end = datetime.combine(scope.last + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    counts: dict[tuple[date, str], int] = {}
    for row in (
        Booking.objects.filter(start__gte=start, start__lt=end)
        .exclude(status__in=[BookingStatus.HELD, BookingStatus.EXPIRED])
        .annotate(week=TruncWeek("start", tzinfo=UTC))
        .values("week", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[(row["week"].date(), row["status"])] = row["n"]
    held = {BookingStatus.CANCELLED, BookingStatus.NO_SHOW}
    return _chart(
        "bookings",
        _("Lesson bookings, cancellations and no-shows"),
        "bar",
        [w.isoformat() for w in weeks],
        [
            {
                "label": _("Booked"),
                "data": [
                    sum(n for (wk, status), n in counts.items() if wk == w and status not in held)
                    for w in weeks
                ],
            },
            {
                "label": _("Cancelled"),
                "data": [counts.get((w, BookingStatus.CANCELLED), 0) for w in weeks],
            },
            {
                "label": _("No-shows"),
                "data": [counts.get((w, BookingStatus.NO_SHOW), 0) for w in weeks],
            },
        ],
        first_column=_("Week of the lesson"),
        stacked=True,
    )


def ratings(scope: Scope) -> Chart:
    rows = {
        row["detail"]: row["n"]
        for row in DailyMetric.objects.filter(
            kind="tutoring.review_left", day__range=(scope.first, scope.last)
        )
        .values("detail")
        .annotate(n=Sum("events"))
        .order_by()
    }
    stars = ["1", "2", "3", "4", "5"]
    total = sum(rows.get(s, 0) for s in stars)
    average = sum(int(s) * rows.get(s, 0) for s in stars) / total if total else None
    return _chart(
        "ratings",
        _("Lesson ratings"),
        "bar",
        stars,
        [{"label": _("Reviews"), "data": [rows.get(s, 0) for s in stars]}],
        first_column=_("Stars"),
        summary={"average": round(average, 2) if average is not None else None, "count": total},
    )


def marketplace_activity(scope: Scope) -> Chart:
    kinds = {
        "tutoring.booking_confirmed": _("Bookings confirmed"),
        "tutoring.lesson_attended": _("Lessons attended"),
        "abroad.booked": _("Study-abroad bookings"),
    }
    weeks = scope.weeks
    counts: dict[tuple[str, date], int] = {}
    for row in (
        DailyMetric.objects.filter(kind__in=kinds, day__range=(weeks[0], scope.last))
        .annotate(week=TruncWeek("day"))
        .values("kind", "week")
        .annotate(n=Sum("events"))
        .order_by()
    ):
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        counts[(row["kind"], week)] = row["n"]
    return _chart(
        "marketplace_activity",
        _("Bookings confirmed, lessons attended, study-abroad bookings"),
        "line",
        [w.isoformat() for w in weeks],
        [
            {"label": label, "data": [counts.get((kind, w), 0) for w in weeks]}
            for kind, label in kinds.items()
        ],
        first_column=_("Week"),
    )


# --- Finance ------------------------------------------------------------------------------

#: Ledger transfer kinds that bring money in through a payment provider, by product.
PRODUCTS: dict[str, str] = {
    "credit_sale": "Credits",
    "subscription_sale": "Subscriptions",
    "tutoring_booking": "Lessons",
    "tutoring_gift": "Lessons",
    "abroad_booking": "Study abroad",
    "materials_sale": "Materials",
    "earning": "Marketplace sales",
}
CLEARING = "provider_clearing"


def _product(transfer_kind: str) -> str:
    return PRODUCTS.get(transfer_kind, transfer_kind.replace("_", " ").capitalize())


def finance_totals(first: date | None, last: date | None, currency: str) -> dict[str, Any]:
    """Money over the days from the ledger's daily rollup, in one query:

    - takings by product: what the providers took (clearing account debits) per transfer
      kind, refunds and payouts excluded;
    - refunds: what went back through the providers;
    - commission: what the commissions account earned;
    - payouts paid: what left to teachers and vendors through the providers.
    """
    rows = DailyLedger.objects.filter(currency=currency)
    if first is not None and last is not None:
        rows = rows.filter(day__range=(first, last))
    takings: dict[str, Decimal] = defaultdict(Decimal)
    refunds = commission = payouts = Decimal("0")
    for row in (
        rows.values("account_kind", "transfer_kind").annotate(total=Sum("amount")).order_by()
    ):
        account, transfer, total = row["account_kind"], row["transfer_kind"], row["total"]
        if account == CLEARING:
            if transfer.startswith("refund"):
                refunds += total
            elif transfer == "payout":
                payouts += total
            else:
                takings[_product(transfer)] += -total
        elif account == "commissions":
            commission += total
    return {
        "takings": dict(takings),
        "takings_total": sum(takings.values(), Decimal("0")),
        "refunds": refunds,
        "commission": commission,
        "payouts_paid": payouts,
    }


def ledger_check(currency: str) -> dict[str, Any]:
    """The rollup summed over all days against the ledger's own balances, per platform
    account (one query each side). ``ok`` is what the dashboard's "reconciled" badge says."""
    from credits.models import LedgerAccount

    rolled = {
        row["account_kind"]: row["total"]
        for row in DailyLedger.objects.filter(currency=currency)
        .values("account_kind")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    ledger = {
        row["kind"]: row["total"]
        for row in LedgerAccount.objects.filter(currency=currency)
        .values("kind")
        .annotate(total=Sum("balance"))
        .order_by()
    }
    kinds = sorted(set(rolled) | set(ledger))
    lines = [
        {
            "account": kind,
            "rollup": rolled.get(kind, Decimal("0")),
            "ledger": ledger.get(kind, Decimal("0")),
        }
        for kind in kinds
    ]
    return {"ok": all(line["rollup"] == line["ledger"] for line in lines), "lines": lines}


def currencies() -> list[str]:
    from credits.models import MONEY_CURRENCIES

    return [code for code, _label in MONEY_CURRENCIES]


def revenue(scope: Scope) -> Chart:
    currency = scope.currency or "USD"
    weeks = scope.weeks
    by: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    refunds: dict[date, Decimal] = defaultdict(Decimal)
    commission: dict[date, Decimal] = defaultdict(Decimal)
    for row in (
        DailyLedger.objects.filter(
            currency=currency,
            day__range=(weeks[0], scope.last),
            account_kind__in=[CLEARING, "commissions"],
        )
        .annotate(week=TruncWeek("day"))
        .values("week", "account_kind", "transfer_kind")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        if row["account_kind"] == "commissions":
            commission[week] += row["total"]
        elif row["transfer_kind"].startswith("refund"):
            refunds[week] += row["total"]
        elif row["transfer_kind"] != "payout":
            by[(_product(row["transfer_kind"]), week)] += -row["total"]
    products = sorted({product for product, _w in by})
    return _chart(
        "revenue",
        _("Takings by product, refunds and commission (%(currency)s)") % {"currency": currency},
        "bar",
        [w.isoformat() for w in weeks],
        [
            *[
                {
                    "label": p,
                    "data": [str(by.get((p, w), Decimal("0"))) for w in weeks],
                    "stack": "in",
                }
                for p in products
            ],
            {"label": _("Refunds"), "data": [str(-refunds[w]) for w in weeks], "stack": "in"},
            {"label": _("Commission"), "data": [str(commission[w]) for w in weeks], "stack": "fee"},
        ],
        first_column=_("Week"),
        stacked=True,
        currency=currency,
    )


def payouts_pending(scope: Scope) -> Chart:
    """What the platform owes teachers and vendors now (their earnings balances) and what is
    on its way to them (payouts in transit), per currency: the ledger's live balances."""
    from credits.models import LedgerAccount

    owed: dict[tuple[str, str], Decimal] = {
        (row["currency"], row["kind"]): row["total"]
        for row in LedgerAccount.objects.filter(kind__in=["earnings", "payouts_in_transit"])
        .values("currency", "kind")
        .annotate(total=Sum("balance"))
        .order_by()
    }
    codes = [c for c in currencies() if any(k[0] == c for k in owed)]
    return _chart(
        "payouts_pending",
        _("Payouts pending"),
        "bar",
        codes,
        [
            {
                "label": _("Earnings not yet paid out"),
                "data": [str(owed.get((c, "earnings"), Decimal("0"))) for c in codes],
            },
            {
                "label": _("Payouts in transit"),
                "data": [str(owed.get((c, "payouts_in_transit"), Decimal("0"))) for c in codes],
            },
        ],
        first_column=_("Currency"),
    )


# --- Goals --------------------------------------------------------------------------------


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

    metrics = DailyMetric.objects.filter(day__range=(scope.first, scope.last)).aggregate(
        answers=Sum("valued", filter=Q(kind="learning.exercise_attempted")),
        score=Sum("value_sum", filter=Q(kind="learning.exercise_attempted")),
        ai=Sum("users", filter=Q(kind__in=AI_KINDS)),
        ratings=Sum("valued", filter=Q(kind="tutoring.review_left")),
        stars=Sum("value_sum", filter=Q(kind="tutoring.review_left")),
    )
    lessons = DailyObjectMetric.objects.filter(
        day__range=(scope.first, scope.last), object_key__startswith="lesson:"
    ).aggregate(
        started=Sum("users", filter=Q(kind="learning.exercise_attempted")),
        completed=Sum("users", filter=Q(kind="learning.lesson_completed")),
    )
    dau_days = DailyActive.objects.filter(day__range=(scope.first, scope.last)).aggregate(
        total=Sum("dau")
    )["total"]
    rating = round(_num(metrics["stars"]) / metrics["ratings"], 2) if metrics["ratings"] else None
    lines: list[tuple[str, Any, Any, bool]] = [
        (_("Daily active users"), settings.goal_dau, latest.dau if latest else 0, True),
        (_("Monthly active users"), settings.goal_mau, latest.mau if latest else 0, True),
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
            _pct(metrics["ai"] or 0, dau_days or 0),
            True,
        ),
        (_("Average rating"), float(settings.goal_average_rating), rating, True),
        # xgettext:no-python-format
        (_("Support tickets, % of users"), settings.goal_support_tickets, None, False),
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


# --- The registry -------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    slug: str
    title: str
    charts: tuple[str, ...]
    #: Content creators may open it (limited to their own lessons).
    for_creators: bool = False


CHARTS: dict[str, Callable[[Scope], Chart]] = {
    "active_users": active_users,
    "stickiness": stickiness,
    "signups_by_role": signups_by_role,
    "lifecycle": lifecycle,
    "retention": retention,
    "active_by_platform": active_by_platform,
    "active_by_language": active_by_language,
    "active_by_country": active_by_country,
    "lesson_completion": lesson_completion,
    "exercise_accuracy": exercise_accuracy,
    "most_failed": most_failed,
    "tutor_sessions": tutor_sessions,
    "ai_usage": ai_usage,
    "bookings": bookings,
    "ratings": ratings,
    "marketplace_activity": marketplace_activity,
    "revenue": revenue,
    "payouts_pending": payouts_pending,
    "goals": goals,
}

DASHBOARDS: dict[str, Dashboard] = {
    d.slug: d
    for d in [
        Dashboard(
            "platform",
            "Platform",
            (
                "active_users",
                "stickiness",
                "signups_by_role",
                "lifecycle",
                "retention",
                "active_by_platform",
                "active_by_language",
                "active_by_country",
            ),
        ),
        Dashboard(
            "learning",
            "Learning",
            (
                "lesson_completion",
                "exercise_accuracy",
                "most_failed",
                "tutor_sessions",
                "ai_usage",
            ),
            for_creators=True,
        ),
        Dashboard("marketplace", "Marketplace", ("bookings", "marketplace_activity", "ratings")),
        Dashboard("finance", "Finance", ("revenue", "payouts_pending")),
        Dashboard("goals", "Goals", ("goals",)),
    ]
}

#: The charts a content creator may read (their own lessons only).
CREATOR_CHARTS = frozenset({"lesson_completion", "exercise_accuracy", "most_failed"})


def sees_everything(user: Any) -> bool:
    return bool(user.is_active and user.has_perm("analytics.view_dashboards"))


def is_creator(user: Any) -> bool:
    from accounts.roles import Role
    from accounts.selectors import has_role

    return bool(user.is_active and user.is_staff and has_role(user, Role.CONTENT_CREATOR))


def scope_for(user: Any, first: date, last: date, currency: str = "") -> Scope | None:
    """The scope ``user`` may read, or None if they may not read analytics at all."""
    if sees_everything(user):
        return Scope(first, last, None, currency)
    if is_creator(user):
        from wagtail.models import Page

        owned = frozenset(Page.objects.filter(owner=user).values_list("id", flat=True))
        return Scope(first, last, owned, currency)
    return None


def chart(key: str, scope: Scope) -> Chart:
    if scope.lesson_ids is not None and key not in CREATOR_CHARTS:
        raise PermissionError(key)
    return CHARTS[key](scope)


def summary() -> dict[str, Any]:
    """The admin home panel: latest DAU/WAU/MAU and stickiness (one query)."""
    latest = DailyActive.objects.order_by("-day").first()
    if latest is None:
        return {"day": None}
    return {
        "day": latest.day,
        "dau": latest.dau,
        "wau": latest.wau,
        "mau": latest.mau,
        "stickiness": _pct(latest.dau, latest.mau),
    }


# --- custom reports ---------------------------------------------------------------------


def may_build_reports(user: Any) -> bool:
    return sees_everything(user)


def reports_for(user: Any) -> Any:
    """Saved reports a person may open: their own, every report for those who see all the
    dashboards, and reports shared with one of their roles."""

    from .models import SavedReport

    reports = SavedReport.objects.select_related("owner").order_by("name")
    if sees_everything(user):
        return reports
    return reports.filter(Q(owner=user) | Q(shared_with__in=user.groups.all())).distinct()


def may_change_report(user: Any, report: Any) -> bool:
    return bool(report.owner_id == user.pk or user.is_superuser)


# --- subscriptions: MRR and churn -------------------------------------------------------


def subscription_metrics(currency: str, today: date, *, window_days: int = 30) -> dict[str, Any]:
    """Monthly recurring revenue and churn, at the plans' list prices in ``currency``.

    - MRR: every current subscription (active, period not over) at its plan's price in the
      currency, yearly plans counted as a twelfth a month. Subscriptions whose plan has no
      price in the currency are counted in ``unpriced``, not guessed.
    - Churn over the last ``window_days``: subscriptions canceled in the window divided by
      those current at its start (current now + canceled in the window), by the time each
      became canceled (``canceled_at``; later edits of the row don't move it).
    Two queries, whatever the number of subscriptions.
    """
    from credits.models import Interval, PlanPrice, Subscription, SubscriptionStatus

    now = timezone.now()
    start = now - timedelta(days=window_days)
    current = Subscription.objects.filter(status=SubscriptionStatus.ACTIVE).filter(
        Q(current_period_end__isnull=True) | Q(current_period_end__gt=now)
    )
    prices = PlanPrice.objects.filter(plan=OuterRef("plan"), currency=currency)
    rows = current.annotate(price=Subquery(prices.values("amount")[:1])).values(
        "plan__interval", "price"
    )
    mrr = Decimal("0")
    active = unpriced = 0
    for row in rows.order_by():
        active += 1
        if row["price"] is None:
            unpriced += 1
            continue
        monthly = row["price"] / 12 if row["plan__interval"] == Interval.YEAR else row["price"]
        mrr += monthly
    canceled = Subscription.objects.filter(
        status=SubscriptionStatus.CANCELED, canceled_at__gte=start
    ).count()
    at_start = active + canceled
    return {
        "currency": currency,
        "mrr": mrr.quantize(Decimal("0.01")),
        "active": active,
        "unpriced": unpriced,
        "canceled": canceled,
        "window_days": window_days,
        "churn_percent": round(100 * canceled / at_start, 1) if at_start else None,
    }
