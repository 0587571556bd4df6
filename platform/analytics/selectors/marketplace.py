"""The marketplace charts: bookings, ratings and the teachers' and learners' activity."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.db.models import Count, Sum
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import DailyLedger, DailyMetric
from .base import Chart, Scope, _chart, _pct


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


def availability_fill_rate(scope: Scope) -> Chart:
    """Per UTC week: the hours teachers offered, the hours booked, and the fill rate (booked
    / offered). The definitions of both are written in tutoring.selectors.fill_rate. Three
    queries: weekly hours, exceptions, bookings."""
    from tutoring.selectors.fill_rate import (
        availability_minutes_by_week,
        booked_minutes_by_week,
    )

    weeks = scope.weeks
    offered = availability_minutes_by_week(weeks)
    booked = booked_minutes_by_week(weeks)
    return _chart(
        "availability_fill_rate",
        _("Fill rate of availability"),
        "bar",
        [w.isoformat() for w in weeks],
        [
            {"label": _("Hours offered"), "data": [round(offered[w] / 60, 1) for w in weeks]},
            {"label": _("Hours booked"), "data": [round(booked[w] / 60, 1) for w in weeks]},
            {
                "label": _("Fill rate %"),
                "data": [_pct(booked[w], offered[w]) for w in weeks],
                "percent": True,
            },
        ],
        first_column=_("Week"),
        notes=_(
            "Offered: verified teachers' weekly hours as they are now, plus extra hours, minus "
            "time off. Booked: one-to-one lessons that took a slot (no-shows included; "
            "cancelled and expired ones gave it back)."
        ),
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


def earnings(scope: Scope) -> Chart:
    """What teachers and vendors earned per week (their earnings accounts in the ledger's daily
    rollup: lesson and booking earnings, net of clawbacks after refunds) and what they moved
    to payouts, in the scope's currency."""
    from decimal import Decimal

    currency = scope.currency or "USD"
    weeks = scope.weeks
    earned: dict[date, Decimal] = {}
    paid: dict[date, Decimal] = {}
    for row in (
        DailyLedger.objects.filter(
            currency=currency, account_kind="earnings", day__range=(weeks[0], scope.last)
        )
        .annotate(week=TruncWeek("day"))
        .values("week", "transfer_kind")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        into = paid if row["transfer_kind"].startswith("payout") else earned
        sign = -1 if into is paid else 1
        into[week] = into.get(week, Decimal("0")) + sign * row["total"]
    return _chart(
        "earnings",
        _("Teachers' and vendors' earnings and payouts (%(currency)s)") % {"currency": currency},
        "bar",
        [w.isoformat() for w in weeks],
        [
            {"label": _("Earned"), "data": [str(earned.get(w, Decimal("0"))) for w in weeks]},
            {"label": _("Sent to payout"), "data": [str(paid.get(w, Decimal("0"))) for w in weeks]},
        ],
        first_column=_("Week"),
        currency=currency,
    )


def time_to_verification(scope: Scope) -> Chart:
    """How long teachers wait for their certificates to be checked: per week of the decision,
    how many were decided and the average hours from upload to decision; and how many wait
    now (the moderation queue)."""
    from accounts.selectors import certificate_review_times

    weeks = scope.weeks
    start = datetime.combine(weeks[0], datetime.min.time(), tzinfo=UTC)
    end = datetime.combine(scope.last + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    decided, waiting = certificate_review_times(start, end)
    by_week: dict[date, list[float]] = {}
    for reviewed_at, hours in decided:
        by_week.setdefault(monday_of(reviewed_at), []).append(hours)
    return _chart(
        "time_to_verification",
        _("Teacher certificates: time to a decision"),
        "bar",
        [w.isoformat() for w in weeks],
        [
            {"label": _("Decided"), "data": [len(by_week.get(w, [])) for w in weeks]},
            {
                "label": _("Average hours to a decision"),
                "data": [
                    round(sum(by_week[w]) / len(by_week[w]), 1) if by_week.get(w) else None
                    for w in weeks
                ],
            },
        ],
        first_column=_("Week of the decision"),
        summary={"waiting": waiting},
        notes=ngettext(
            "%(n)s certificate is waiting for a moderator now.",
            "%(n)s certificates are waiting for a moderator now.",
            waiting,
        )
        % {"n": waiting},
    )


def monday_of(moment: datetime) -> date:
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())
