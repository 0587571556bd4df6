"""Writes: storing events, rolling a day up (idempotent), anonymising a deleted account."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Count, Max, Min, Q, Sum, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from accounts.models import User
from core.activity import ACTIVE_KINDS, Activity

from .dimensions import (
    ACTIVE_DIMENSIONS,
    AI_KINDS,
    country_of,
    course_of,
    detail_of,
    value_of,
)
from .models import (
    ActivityEvent,
    AnalyticsSettings,
    CohortWeek,
    DailyActive,
    DailyActiveBy,
    DailyKindTotal,
    DailyLedger,
    DailyMetric,
    DailyObjectMetric,
    FirstActive,
    ProgressShare,
    ReportSchedule,
    RollupRun,
    SavedReport,
    UserDay,
    UserWeek,
)

logger = logging.getLogger(__name__)

ZERO = Decimal("0")


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def store_event(event: Activity) -> ActivityEvent | None:
    """Keep ``event`` unless the operator switched its tracking category off."""
    if not AnalyticsSettings.load().tracks(event.app):
        return None
    # One query: does the person still exist, and which country does their profile give?
    found = list(User.objects.filter(pk=str(event.user_id)).values_list("profile__country")[:1])
    if not found:
        # The account is gone (erased between the action's commit and this receiver, or an
        # event about no real person): nothing to count, and no dangling reference.
        return None
    data = dict(event.data)
    return ActivityEvent.objects.create(
        user_id=event.user_id,  # type: ignore[misc]  # the user's pk, whatever its type
        kind=event.kind,
        app=event.app,
        occurred_at=event.occurred_at,
        day=utc_day(event.occurred_at),
        object_type=event.object_type,
        object_id=event.object_id[:64],
        language=event.language[:16],
        level=event.level[:16],
        platform=event.platform[:8],
        country=country_of(found[0][0]),
        course=course_of(data),
        detail=detail_of(event.kind, data),
        value=value_of(event.kind, data),
        data=data,
    )


def anonymise_events(user: User) -> int:
    """What a deleted person did stays counted, but no longer says what it was about: the
    objects, the free data and the language are cleared. Rollups hold no personal detail
    beyond the user reference, which now points at the anonymised account. The country and
    the course go too (a backfill then counts these events under no country and no course)."""
    return ActivityEvent.objects.filter(user=user).update(
        object_type="", object_id="", data={}, language="", level="", country="", course=None
    )


# --- Rollups ------------------------------------------------------------------------------


def _key(*parts: Any) -> Concat:
    return Concat(*parts, output_field=CharField())


def _object_key_expressions() -> list[tuple[str, Concat]]:
    """The per-object keys of analytics.dimensions.object_keys, as SQL (same on SQLite and
    PostgreSQL) so that a day rolls up without loading its events into Python."""
    return [
        ("learning.exercise_attempted", _key(Value("lesson:"), KT("data__lesson_id"))),
        (
            "learning.exercise_attempted",
            _key(Value("block:"), KT("data__lesson_id"), Value(":"), KT("data__block_id")),
        ),
        ("learning.lesson_completed", _key(Value("lesson:"), KT("data__lesson_id"))),
        ("tutoring.lesson_attended", _key(Value("teacher:"), KT("data__teacher_id"))),
        ("tutoring.booking_confirmed", _key(Value("teacher:"), KT("data__teacher_id"))),
    ]


@transaction.atomic
def roll_up_day(day: date, *, refresh_weeks: bool = True) -> RollupRun:
    """Rebuild every rollup of one UTC day from the events (and the ledger's entries) of that
    day. Running it again replaces the day: the backfill and the beat job are idempotent.
    ``refresh_weeks=False``: the caller refreshes the lifecycle weeks once for many days."""
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        # The day's distinct counts sort up to a day of events; PostgreSQL's default 4 MB
        # spills them to disk at ~100k events a day. Only this transaction gets more.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('work_mem', %s, true)", [settings.ANALYTICS_ROLLUP_WORK_MEM]
            )
    events = ActivityEvent.objects.filter(day=day)

    DailyMetric.objects.filter(day=day).delete()
    metrics = DailyMetric.objects.bulk_create(
        DailyMetric(day=day, **row)
        for row in events.values(
            "kind", "app", "language", "level", "platform", "country", "course", "detail"
        )
        .annotate(
            events=Count("id"),
            users=Count("user", distinct=True),
            value_sum=Coalesce(Sum("value"), ZERO),
            valued=Count("value"),
        )
        .order_by()
    )

    _total_kinds(day, metrics)

    DailyObjectMetric.objects.filter(day=day).delete()
    objects: list[DailyObjectMetric] = []
    for kind, key in _object_key_expressions():
        objects.extend(
            DailyObjectMetric(day=day, kind=kind, **row)
            for row in events.filter(kind=kind)
            .annotate(object_key=key)
            .values("object_key")
            .annotate(
                events=Count("id"),
                users=Count("user", distinct=True),
                failures=Count("id", filter=Q(value__lt=1)),
                value_sum=Coalesce(Sum("value"), ZERO),
            )
            .order_by()
        )
    DailyObjectMetric.objects.bulk_create(objects, batch_size=2000)

    # ACTIVE: a person is active on a day when they did one of core.activity.ACTIVE_KINDS
    # (a learning, vocabulary, voice-tutor, tutoring, translation/AI, payment, study-abroad
    # or social action). Signing in, signing up, a refund or a page view alone is not.
    active = events.filter(kind__in=ACTIVE_KINDS)
    UserDay.objects.filter(day=day).delete()
    week = monday(day)
    platforms = _platform_used_most(active)
    UserDay.objects.bulk_create(
        (
            UserDay(
                day=day,
                user_id=row["user"],
                week=week,
                cohort_week=monday(utc_day(row["joined"])),
                platform=platforms.get(row["user"], ""),
                events=row["n"],
            )
            for row in active.values("user")
            .annotate(n=Count("id"), joined=Max("user__date_joined"))
            .order_by()
        ),
        batch_size=5000,
    )
    _record_first_active(day)
    DailyActiveBy.objects.filter(day=day).delete()
    by: list[DailyActiveBy] = []
    for dimension in ACTIVE_DIMENSIONS:
        by.extend(
            DailyActiveBy(day=day, dimension=dimension, value=row[dimension], users=row["users"])
            for row in active.values(dimension)
            .annotate(users=Count("user", distinct=True))
            .order_by()
        )
    ai_people = events.filter(kind__in=AI_KINDS).aggregate(n=Count("user", distinct=True))["n"]
    if ai_people:
        by.append(DailyActiveBy(day=day, dimension="ai", value="", users=ai_people))
    DailyActiveBy.objects.bulk_create(by)
    _roll_up_ledger(day)
    if refresh_weeks:
        _refresh_weeks([week, week + timedelta(days=7)])
    _refresh_active_counts(day)
    event_count = events.count()
    run, _ = RollupRun.objects.update_or_create(
        day=day,
        defaults={
            "events": event_count,
            "seconds": time.perf_counter() - started,
            "finished_at": timezone.now(),
        },
    )
    return run


def _roll_up_ledger(day: date) -> None:
    from credits.models import Entry

    DailyLedger.objects.filter(day=day).delete()
    start = datetime.combine(day, datetime.min.time(), tzinfo=UTC)
    DailyLedger.objects.bulk_create(
        DailyLedger(
            day=day,
            currency=row["currency"],
            account_kind=row["account__kind"],
            transfer_kind=row["transfer__kind"],
            amount=row["total"],
            entries=row["n"],
        )
        for row in Entry.objects.filter(
            created_at__gte=start, created_at__lt=start + timedelta(days=1)
        )
        .values("currency", "account__kind", "transfer__kind")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by()
    )


def _total_kinds(day: date, metrics: Iterable[DailyMetric]) -> None:
    """Rewrite ``DailyKindTotal`` for ``day`` from the DailyMetric rows just written."""
    totals: dict[str, DailyKindTotal] = {}
    for metric in metrics:
        total = totals.setdefault(
            metric.kind, DailyKindTotal(day=day, kind=metric.kind, events=0, valued=0)
        )
        total.events += metric.events
        total.valued += metric.valued
        total.value_sum += metric.value_sum
    DailyKindTotal.objects.filter(day=day).delete()
    DailyKindTotal.objects.bulk_create(totals[kind] for kind in sorted(totals))


def _record_first_active(day: date) -> None:
    """Keep ``FirstActive`` right after ``day``'s ``UserDay`` rows were rewritten: the day's
    people are upserted keeping the earlier of their known first day and ``day`` (so days
    rolled up in any order, or again, give the same rows), then the people whose first day
    was ``day`` but who are no longer active on it get their first day from ``UserDay``
    again (or lose the row when they have no active day left)."""
    first = FirstActive._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {first} (user_id, day, cohort_week, joined_day)
            SELECT ud.user_id, ud.day, ud.cohort_week, {_joined_day_sql("u.date_joined")}
            FROM {UserDay._meta.db_table} AS ud
            JOIN {User._meta.db_table} AS u ON u.id = ud.user_id
            WHERE ud.day = %s
            ON CONFLICT (user_id) DO UPDATE SET
                day = CASE WHEN excluded.day < {first}.day THEN excluded.day
                           ELSE {first}.day END,
                cohort_week = excluded.cohort_week,
                joined_day = excluded.joined_day
            """,  # noqa: S608 - only table names of our models are interpolated
            [day],
        )
    gone = list(
        FirstActive.objects.filter(day=day)
        .exclude(user__in=UserDay.objects.filter(day=day).values("user"))
        .values_list("user", flat=True)
    )
    if gone:
        earliest = dict(
            UserDay.objects.filter(user__in=gone)
            .values("user")
            .annotate(first=Min("day"))
            .values_list("user", "first")
        )
        FirstActive.objects.filter(user__in=set(gone) - set(earliest)).delete()
        for user_id, first_day in earliest.items():
            FirstActive.objects.filter(user=user_id).update(day=first_day)


def _joined_day_sql(column: str) -> str:
    """The UTC day of a sign-up timestamp column, in this database's SQL."""
    if connection.vendor == "postgresql":
        return f"({column} AT TIME ZONE 'UTC')::date"
    return f"date({column})"  # SQLite keeps aware datetimes as UTC text


def _count_cohort_weeks(week: date, rows: Iterable[UserWeek]) -> None:
    """Rewrite ``CohortWeek`` for ``week`` from its freshly built ``UserWeek`` rows."""
    counts = Counter((row.cohort_week, row.status) for row in rows)
    CohortWeek.objects.filter(week=week).delete()
    CohortWeek.objects.bulk_create(
        CohortWeek(cohort_week=cohort_week, week=week, status=status, users=n)
        for (cohort_week, status), n in sorted(counts.items())
    )


def recount_cohort(cohort_week: date) -> None:
    """Rewrite ``CohortWeek`` for one sign-up week from ``UserWeek`` (after a user row of
    that cohort was deleted: its ``UserWeek`` rows went with it)."""
    CohortWeek.objects.filter(cohort_week=cohort_week).delete()
    CohortWeek.objects.bulk_create(
        CohortWeek(cohort_week=cohort_week, **row)
        for row in UserWeek.objects.filter(cohort_week=cohort_week)
        .values("week", "status")
        .annotate(users=Count("user"))
        .order_by()
    )


def recount_cohort_of(date_joined: datetime) -> None:
    """``recount_cohort`` for the sign-up week of ``date_joined``, when it has counts."""
    cohort_week = monday(utc_day(date_joined))
    if CohortWeek.objects.filter(cohort_week=cohort_week).exists():
        recount_cohort(cohort_week)


def _refresh_weeks(weeks: Iterable[date]) -> None:
    """Rebuild the lifecycle rows of whole weeks from their UserDay rows (a week's statuses
    depend on the week before, so a day's rollup refreshes its week and the next)."""
    for week in sorted(weeks):
        UserWeek.objects.filter(week=week).delete()
        before = set(
            UserWeek.objects.filter(week=week - timedelta(days=7)).values_list("user_id", flat=True)
        )
        rows = []
        for user_id, cohort_week in (
            UserDay.objects.filter(week=week)
            .values_list("user_id", "cohort_week")
            .distinct()
            .order_by()
        ):
            if cohort_week == week:
                status = UserWeek.Status.NEW
            elif user_id in before:
                status = UserWeek.Status.RETURNING
            else:
                status = UserWeek.Status.RESURRECTED
            rows.append(
                UserWeek(week=week, user_id=user_id, cohort_week=cohort_week, status=status)
            )
        UserWeek.objects.bulk_create(rows, batch_size=5000)
        _count_cohort_weeks(week, rows)


def _platform_used_most(active: Any) -> dict[Any, str]:
    """Each active person's platform with the most of their active events that day (a tie
    goes to the name first in the alphabet, so a rerun gives the same answer)."""
    rows = active.values_list("user", "platform").annotate(n=Count("id")).order_by()
    best: dict[Any, str] = {}
    for user, platform, _n in sorted(rows, key=lambda row: (-row[2], row[1])):
        best.setdefault(user, platform)
    return best


def _refresh_active_counts(day: date) -> None:
    """DAU, WAU (7 days) and MAU (30 days) of ``day`` and of the days after it already
    rolled up whose windows include it.

    Each day is a distinct count over its 30 days of UserDay rows. Counting a day from the
    day before instead (who entered the window, who slid out) was tried and measured: no
    faster at 100k people (benchmarks/analytics/results.md), so the simple count stays."""
    last = DailyActive.objects.aggregate(last=Max("day"))["last"]
    end = max(day, min(last, day + timedelta(days=29))) if last else day
    current = day
    while current <= end:
        window = UserDay.objects.filter(day__gt=current - timedelta(days=30), day__lte=current)
        counts = window.aggregate(
            dau=Count("user", filter=Q(day=current)),
            wau=Count("user", distinct=True, filter=Q(day__gt=current - timedelta(days=7))),
            mau=Count("user", distinct=True, filter=Q(day__gt=current - timedelta(days=30))),
        )
        if current == day or DailyActive.objects.filter(day=current).exists():
            DailyActive.objects.update_or_create(day=current, defaults=counts)
        current += timedelta(days=1)


def roll_up_range(first: date, last: date) -> list[RollupRun]:
    """Roll up every day from ``first`` to ``last`` (inclusive), oldest first."""
    runs = []
    day = first
    while day <= last:
        runs.append(roll_up_day(day, refresh_weeks=False))
        day += timedelta(days=1)
    with transaction.atomic():
        week = monday(first)
        weeks = []
        while week <= last + timedelta(days=7):
            weeks.append(week)
            week += timedelta(days=7)
        _refresh_weeks(weeks)
    return runs


def roll_up_recent() -> list[RollupRun]:
    """The beat job: yesterday (complete now) and today so far, in UTC."""
    today = timezone.now().astimezone(UTC).date()
    return roll_up_range(today - timedelta(days=1), today)


# --- custom reports ---------------------------------------------------------------------


def save_report(report: SavedReport, shared_with: Iterable[Any], user: Any) -> SavedReport:
    """Creates or updates a saved report (the owner is who created it) and logs the change."""
    from wagtail.log_actions import log

    creating = report.pk is None
    if creating:
        report.owner = user
    with transaction.atomic():
        report.save()
        report.shared_with.set(list(shared_with))
        log(report, "wagtail.create" if creating else "wagtail.edit", user=user)
    return report


def report_is_due(report: SavedReport, today: date) -> bool:
    """Weekly reports go out on Mondays, monthly ones on the 1st, once per day at most (the
    beat job runs daily; a missed day is not caught up: the next period's report covers it)."""
    if report.last_sent_on == today or not report.recipient_list():
        return False
    if report.schedule == ReportSchedule.WEEKLY:
        return today.weekday() == 0
    if report.schedule == ReportSchedule.MONTHLY:
        return today.day == 1
    return False


def send_report(report: SavedReport, today: date) -> None:
    from django.core.mail import EmailMessage

    from . import reports

    result = reports.run(report, today=today)
    message = EmailMessage(
        subject=f"Toto report: {report.name} ({result.first.isoformat()} to {result.last.isoformat()})",
        body=(
            f"{result.metric_label} by {reports.DIMENSIONS[result.dimension_label]}, "
            f"{len(result.rows)} rows. The spreadsheet is attached.\n"
        ),
        to=report.recipient_list(),
    )
    slug = "".join(c if c.isalnum() else "-" for c in report.name.lower()).strip("-") or "report"
    message.attach(
        f"{slug}-{today.isoformat()}.xlsx",
        reports.as_xlsx(result),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    message.attach(f"{slug}-{today.isoformat()}.csv", reports.as_csv(result), "text/csv")
    message.send()
    SavedReport.objects.filter(pk=report.pk).update(last_sent_on=today)


def send_due_reports(today: date | None = None) -> list[int]:
    """Emails every scheduled report due today; returns their ids."""
    today = today or timezone.now().astimezone(UTC).date()
    sent = []
    for report in SavedReport.objects.exclude(schedule="").order_by("pk"):
        if report_is_due(report, today):
            try:
                send_report(report, today)
            except Exception:
                logger.exception("The scheduled report %s could not be sent", report.pk)
                continue
            sent.append(report.pk)
    return sent


# --- Progress shared with teachers ---------------------------------------------------------


def share_progress(learner: User, teacher_id: UUID) -> ProgressShare:
    """Let a teacher the learner has booked see their progress report (idempotent)."""
    from .bookings import has_booked
    from .errors import NotYourTeacher

    if teacher_id == learner.pk or not has_booked(learner, teacher_id):
        raise NotYourTeacher()
    share, _created = ProgressShare.objects.get_or_create(learner=learner, teacher_id=teacher_id)
    return share


def stop_sharing_progress(learner: User, teacher_id: UUID) -> bool:
    """Revoke the consent: the teacher's list and pages stop showing this learner at once."""
    deleted, _rows = ProgressShare.objects.filter(learner=learner, teacher_id=teacher_id).delete()
    return bool(deleted)


def erase_progress_shares(user: User) -> int:
    """A deleted account neither shares nor is shared with (both sides of the consent)."""
    deleted, _rows = ProgressShare.objects.filter(Q(learner=user) | Q(teacher=user)).delete()
    return deleted
