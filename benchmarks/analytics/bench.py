"""Analytics: each dashboard endpoint's time, read from the rollups, against a bare indexed
count in the same run, and the rollup job's time per day of events.

    .venv/bin/python benchmarks/analytics/bench.py [--users 100000] [--events 10000000]
        [--days 90] [--rounds 7] [--out benchmarks/analytics/results.md]

Starts its own throwaway PostgreSQL and Redis (core.testing.services), migrates, generates
``--users`` people (sign-ups spread over the period, each with a country) and ``--events``
activity events spread over ``--days`` days, all in SQL (``generate_series``, INSERT …
SELECT; lessons in 20 courses, exercises with scores, AI use, tutoring, payments, on web and
app, in five languages), rolls every day up with analytics.services.roll_up_range (timed per
day), then requests every chart's JSON endpoint, the learning charts narrowed by course and
level, and three custom reports' CSV exports (grouped by country, by course, and by day
over a fixed from/to range) ``--rounds`` times through Django's test client as an admin
(authentication, permission check, selectors, JSON/CSV) and reports the median. Baseline:
``SELECT count(*)`` of one day's events of one kind on the (day, kind) index, through the
ORM, in the same process: ratio = endpoint / baseline. The defaults are the issue's size
(100k users, 10M events); ``--users 20000 --events 1000000`` is the small run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "platform"))
sys.path.insert(0, str(ROOT))

from benchmarks.common import prepare  # noqa: E402

KINDS = [
    # (kind, weight)
    ("learning.exercise_attempted", 50),
    ("learning.lesson_completed", 10),
    ("ai.feature_used", 12),
    ("translation.translated", 6),
    ("voice_tutor.session_ended", 4),
    ("vocabulary.card_reviewed", 10),
    ("tutoring.booking_confirmed", 1),
    ("tutoring.lesson_attended", 1),
    ("tutoring.review_left", 1),
    ("payments.paid", 1),
    ("accounts.signed_in", 4),
]


COUNTRIES = ["ES", "MX", "US", "IN", "DE", "FR", "BR", "JP", "GB", "IT", "AR", "CO"]
COURSES = 20  # course page ids 1000..1019, three lessons each (lesson ids 0..59)


def generate(users: int, events: int, days: int) -> None:
    """People and events in PostgreSQL alone: users with ``generate_series`` (no ORM objects,
    no per-row Python) and events with INSERT … SELECT in chunks, with the event table's two
    secondary indexes dropped during the load and rebuilt once after it (what a bulk import
    does; the foreign-key check is one join at the end instead of one lookup per row)."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    unusable = make_password(None)
    kinds = [kind for kind, weight in KINDS for _ in range(weight)]
    chunk = 1_000_000
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute(
            """
            INSERT INTO accounts_user (id, password, is_superuser, email, first_name, last_name,
                is_staff, is_active, date_joined, suspension_reason, awaiting_guardian_consent)
            SELECT gen_random_uuid(), %(password)s, false, 'bench-' || n || '@example.com',
                '', '', false, true,
                now() - (%(days)s * (1 - power(n::float / %(users)s, 0.7))) * interval '1 day',
                '', false
            FROM generate_series(0, %(users)s - 1) AS n
            """,
            {"password": unusable, "days": days, "users": users},
        )
        # A country per person (skewed: the first countries are the big markets).
        cursor.execute(
            """
            CREATE TEMP TABLE bench_users AS
            SELECT row_number() OVER () AS n, id,
                (%(countries)s::text[])[1 + floor(power(random(), 2) * %(nc)s)::int] AS country
            FROM accounts_user WHERE email LIKE 'bench-%%'
            """,
            {"countries": COUNTRIES, "nc": len(COUNTRIES)},
        )
        cursor.execute("CREATE UNIQUE INDEX ON bench_users (n)")
        cursor.execute("ANALYZE bench_users")
        cursor.execute("DROP INDEX analytics_event_day_kind, analytics_event_user_day")
        # Skip the per-row foreign-key trigger during the load (checked once below).
        cursor.execute("SET session_replication_role = replica")
        done = 0
        while done < events:
            size = min(chunk, events - done)
            cursor.execute(
                """
                INSERT INTO analytics_activityevent (user_id, kind, app, occurred_at, day,
                    object_type, object_id, language, level, platform, country, course, detail,
                    value, data, recorded_at)
                SELECT u.id, kind, split_part(kind, '.', 1), ts, (ts AT TIME ZONE 'UTC')::date,
                    '', '',
                    CASE WHEN learning THEN (ARRAY['es','fr','de','ja','en'])[1 + course %% 5]
                         ELSE lang END,
                    CASE WHEN learning THEN (ARRAY['A1','A2','B1','B2'])[1 + (course / 5) %% 4]
                         ELSE lvl END,
                    plat, u.country,
                    CASE WHEN learning THEN 1000 + course END,
                    CASE kind WHEN 'learning.exercise_attempted' THEN et
                              WHEN 'ai.feature_used' THEN 'grammar_check'
                              WHEN 'tutoring.review_left' THEN (3 + lesson %% 3)::text
                              ELSE '' END,
                    CASE kind WHEN 'learning.exercise_attempted' THEN score
                              WHEN 'learning.lesson_completed' THEN score * 100
                              ELSE NULL END,
                    CASE WHEN learning THEN jsonb_build_object('lesson_id', lesson,
                            'block_id', 'b' || blk, 'exercise_type', et, 'score', score)
                         WHEN kind LIKE 'tutoring.%%' THEN jsonb_build_object('teacher_id', lesson)
                         ELSE '{}'::jsonb END,
                    ts
                FROM (
                    SELECT 1 + floor(random() * %(users)s)::int AS pick, kind,
                        kind LIKE 'learning.%%' AS learning, ts, lang, lvl, plat, et, lesson,
                        lesson / 3 AS course, blk, score
                    FROM (
                        SELECT (%(kinds)s::text[])[1 + floor(random() * %(nk)s)::int] AS kind,
                            now() - random() * (%(days)s || ' days')::interval AS ts,
                            (ARRAY['es','fr','de','ja','en'])[1 + floor(random() * 5)::int]
                                AS lang,
                            (ARRAY['A1','A2','B1','B2'])[1 + floor(random() * 4)::int] AS lvl,
                            (ARRAY['web','app'])[1 + floor(random() * 2)::int] AS plat,
                            (ARRAY['multiple_choice','fill_gap','listening','speaking'])
                                [1 + floor(random() * 4)::int] AS et,
                            floor(random() * 60)::int AS lesson,
                            floor(random() * 8)::int AS blk,
                            round(random()::numeric, 1) AS score
                        FROM generate_series(1, %(size)s)
                    ) AS raw
                ) AS generated
                JOIN bench_users AS u ON u.n = generated.pick
                """,
                {"kinds": kinds, "nk": len(kinds), "days": days, "size": size, "users": users},
            )
            done += size
            print(f"  {done} events", flush=True)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute(
            "SELECT count(*) FROM analytics_activityevent e "
            "LEFT JOIN accounts_user u ON u.id = e.user_id WHERE u.id IS NULL"
        )
        assert cursor.fetchone()[0] == 0, "events of people who do not exist"
        cursor.execute(
            'CREATE INDEX analytics_event_day_kind ON analytics_activityevent ("day", "kind")'
        )
        cursor.execute(
            'CREATE INDEX analytics_event_user_day ON analytics_activityevent ("user_id", "day")'
        )
        # Rows in the order an append-only table gets them (events arrive in time order, so
        # a day's events are neighbours on disk); the generator above writes random times,
        # which spreads every day over the whole heap and makes each day's rollup read most
        # of the table (measured: 1.4 s of heap reads for one day's 111k events at 10M).
        cursor.execute("CLUSTER analytics_activityevent USING analytics_event_day_kind")
        cursor.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--out", default=str(Path(__file__).with_name("results.md")))
    parser.add_argument(
        "--explain",
        action="store_true",
        help="Also EXPLAIN ANALYZE the queries FirstActive and CohortWeek replaced against "
        "their replacements, and time the goals panel's queries one by one.",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        postgres, redis = prepare(Path(folder))
        try:
            import django

            django.setup()
            run(args)
        finally:
            postgres.stop()  # type: ignore[attr-defined]
            redis.stop()  # type: ignore[attr-defined]


def run(args: argparse.Namespace) -> None:
    from datetime import timedelta

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from accounts.models import User
    from analytics import selectors, services
    from analytics.models import ActivityEvent

    setup_test_environment()  # the test client's host, 'testserver', is allowed
    started = time.perf_counter()
    generate(args.users, args.events, args.days)
    generated = time.perf_counter() - started
    print(f"generated in {generated:.0f} s", flush=True)

    today = selectors.today()
    first = today - timedelta(days=args.days)
    started = time.perf_counter()
    runs = services.roll_up_range(first, today)
    rollup_total = time.perf_counter() - started
    per_day = [run.seconds for run in runs if run.events]
    events_per_day = statistics.median(run.events for run in runs if run.events)
    print(f"rolled up {len(runs)} days in {rollup_total:.0f} s", flush=True)
    print(
        f"per day with events: median {statistics.median(per_day):.2f} s, "
        f"max {max(per_day):.2f} s, median {events_per_day:,.0f} events a day",
        flush=True,
    )

    from accounts.testing import activate_totp

    admin = User.objects.create_superuser(email="bench-admin@example.com", password=None)
    activate_totp(admin)  # the admin pages require two-factor authentication of admins
    client = Client()
    client.force_login(admin)

    def timed(call) -> tuple[float, int]:  # type: ignore[no-untyped-def]
        times = []
        queries = 0
        for _ in range(args.rounds):
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                call()
                times.append(time.perf_counter() - t0)
            queries = len(captured)
        return statistics.median(times) * 1000, queries

    day = today - timedelta(days=3)
    baseline, _ = timed(
        lambda: ActivityEvent.objects.filter(day=day, kind="ai.feature_used").count()
    )
    rows = []
    # Every chart, then the learning charts narrowed by course and level (the course and
    # lesson ids are the generator's: lesson pages themselves are not generated, so the
    # drop-off per step reads the rollups and finds no lesson body).
    narrowed = [
        ("lesson_completion", "&course=1000&level=A1"),
        ("lesson_steps", "&course=1000"),
        ("lesson_steps", "&lesson=3"),
        ("exercise_accuracy", "&course=1000&level=A1"),
    ]
    for key, extra in [*((key, "") for key in selectors.CHARTS), *narrowed]:
        url = f"/api/v1/analytics/charts/{key}/?days={args.days}{extra}"
        key = f"{key} ({extra.lstrip('&')})" if extra else key

        def fetch(url: str = url) -> None:
            response = client.get(url)
            assert response.status_code == 200, response.content

        ms, queries = timed(fetch)
        rows.append((key, ms, queries))
        print(f"  {key}: {ms:.1f} ms", flush=True)

    from analytics.models import SavedReport

    ranges = {"country": (None, None), "course": (None, None)}
    # A fixed from/to range: the 30 days that end a week ago.
    ranges["day"] = (today - timedelta(days=36), today - timedelta(days=7))
    for group_by, (date_from, date_to) in ranges.items():
        report = SavedReport.objects.create(
            name=f"Answers by {group_by}",
            metric="exercise_attempts",
            group_by=group_by,
            days=args.days,
            date_from=date_from,
            date_to=date_to,
            owner=admin,
        )
        url = f"/admin/analytics/reports/{report.pk}/export.csv"

        def export(url: str = url) -> None:
            response = client.get(url)
            assert response.status_code == 200, (response.status_code, response.get("Location"))

        ms, queries = timed(export)
        fixed = f", {date_from} to {date_to}" if date_from else ""
        rows.append((f"report CSV by {group_by}{fixed}", ms, queries))
        print(f"  report by {group_by}: {ms:.1f} ms", flush=True)

    compared = compare_queries(today, args.days, timed) if args.explain else []
    load = os.getloadavg()
    lines = [
        "# Analytics dashboards: endpoint times from the rollups, rollup time per day",
        "",
        f"Generated: {args.users:,} users, {args.events:,} events over {args.days} days "
        f"(median {events_per_day:,.0f} events a day), generated in {generated:.0f} s. "
        f"Machine: {os.cpu_count()} cores, shared (load average at the end "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} over 1 / 5 / 15 min). Median of {args.rounds} requests each, "
        "through Django's test client as an admin (session, permission, selectors, JSON).",
        "",
        f"Baseline: a bare indexed count of one day's events of one kind: {baseline:.2f} ms.",
        "",
        "| endpoint (90 days) | median ms | queries | ratio to baseline |",
        "|---|---:|---:|---:|",
        *[f"| {key} | {ms:.1f} | {q} | {ms / baseline:.0f}x |" for key, ms, q in rows],
        "",
        f"Rollup: {len(runs)} days in {rollup_total:.1f} s; per day with events: median "
        f"{statistics.median(per_day):.2f} s, max {max(per_day):.2f} s "
        f"(≈ {statistics.median(per_day) / events_per_day * 1e6:.1f} µs per event), plus "
        "the lifecycle weeks once at the end of the range.",
        "",
        "Target (issue #19): every endpoint under 300 ms: "
        + (
            "met."
            if all(ms < 300 for _k, ms, _q in rows)
            else "NOT met for " + ", ".join(k for k, ms, _q in rows if ms >= 300) + "."
        ),
        "",
        *compared,
    ]
    Path(args.out).write_text("\n".join(lines))
    print("\n".join(lines))


def _legacy_activation(weeks: list) -> Any:  # type: ignore[type-arg]
    """The activation count before FirstActive (kept here to measure against): every
    UserDay of the cohorts' people joined to their user, distinct people per cohort week."""
    from datetime import UTC, datetime, timedelta

    from django.db.models import Count, DateField, ExpressionWrapper
    from django.db.models.functions import TruncDate

    from analytics.models import UserDay

    start = datetime.combine(weeks[0], datetime.min.time(), tzinfo=UTC)
    end = datetime.combine(weeks[-1] + timedelta(weeks=1), datetime.min.time(), tzinfo=UTC)
    return (
        UserDay.objects.filter(
            user__date_joined__gte=start,
            user__date_joined__lt=end,
            day__lt=ExpressionWrapper(
                TruncDate("user__date_joined", tzinfo=UTC) + timedelta(days=7),
                output_field=DateField(),
            ),
        )
        .values("cohort_week")
        .annotate(n=Count("user", distinct=True))
        .order_by()
    )


def _new_activation(weeks: list) -> Any:  # type: ignore[type-arg]
    from datetime import timedelta

    from django.db.models import Count, DateField, ExpressionWrapper, F

    from analytics.models import FirstActive

    return (
        FirstActive.objects.filter(
            cohort_week__in=weeks,
            day__lt=ExpressionWrapper(
                F("joined_day") + timedelta(days=7), output_field=DateField()
            ),
        )
        .values("cohort_week")
        .annotate(n=Count("user"))
        .order_by()
    )


def _goal_sums(scope: Any, kinds: list[str] | None) -> Any:
    """The goals panel's sums as a one-group query (so it can be EXPLAINed like the others):
    over every DailyMetric row of the period (``kinds`` None: as before) or over the
    DailyKindTotal rows of ``kinds`` (as now)."""
    from django.db.models import Q, Sum, Value

    from analytics.models import DailyKindTotal, DailyMetric

    if kinds is None:
        rows = DailyMetric.objects.filter(day__range=(scope.first, scope.last))
    else:
        rows = DailyKindTotal.objects.filter(kind__in=kinds, day__range=(scope.first, scope.last))
    return (
        rows.annotate(one=Value(1))
        .values("one")
        .annotate(
            answers=Sum("valued", filter=Q(kind="learning.exercise_attempted")),
            score=Sum("value_sum", filter=Q(kind="learning.exercise_attempted")),
            ratings=Sum("valued", filter=Q(kind="tutoring.review_left")),
            stars=Sum("value_sum", filter=Q(kind="tutoring.review_left")),
        )
        .order_by()
    )


def compare_queries(today: Any, days: int, timed: Any) -> list[str]:
    """Old and new queries on the same data in the same run (median ms, EXPLAIN ANALYZE),
    and the goals panel's queries one by one."""
    from datetime import timedelta

    from django.db import connection
    from django.db.models import Count, Sum
    from django.test.utils import CaptureQueriesContext

    from analytics import selectors
    from analytics.models import CohortWeek, UserWeek

    scope = selectors.Scope(today - timedelta(days=days), today)
    weeks = scope.weeks[-12:]
    pairs = {
        "activation: distinct people per cohort (UserDay ⋈ User)": lambda: _legacy_activation(
            weeks
        ),
        "activation: FirstActive rows per cohort": lambda: _new_activation(weeks),
        "cohort table: UserWeek counted per cohort and week": lambda: (
            UserWeek.objects.filter(cohort_week__in=weeks, week__gte=weeks[0])
            .values("cohort_week", "week")
            .annotate(n=Count("user"))
            .order_by()
        ),
        "cohort table: CohortWeek summed per cohort and week": lambda: (
            CohortWeek.objects.filter(cohort_week__in=weeks, week__gte=weeks[0])
            .values("cohort_week", "week")
            .annotate(n=Sum("users"))
            .order_by()
        ),
        "lifecycle: UserWeek counted per week and status": lambda: (
            UserWeek.objects.filter(week__range=(weeks[0] - timedelta(weeks=1), weeks[-1]))
            .values("week", "status")
            .annotate(n=Count("user"))
            .order_by()
        ),
        "lifecycle: CohortWeek summed per week and status": lambda: (
            CohortWeek.objects.filter(week__range=(weeks[0] - timedelta(weeks=1), weeks[-1]))
            .values("week", "status")
            .annotate(n=Sum("users"))
            .order_by()
        ),
        "goals: DailyMetric sums over the period, every kind's rows": lambda: _goal_sums(
            scope, None
        ),
        "goals: DailyKindTotal sums over the period, the two kinds' rows": lambda: _goal_sums(
            scope, ["learning.exercise_attempted", "tutoring.review_left"]
        ),
    }
    lines = [
        "### Old and new queries, same data, same run",
        "",
        "| query | median ms |",
        "|---|---:|",
    ]
    plans = []
    results = {}
    for label, make in pairs.items():
        ms, _queries = timed(lambda make=make: list(make()))
        results[label] = sorted(tuple(row.values()) for row in make())
        lines.append(f"| {label} | {ms:.1f} |")
        sql, params = make().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        plans += [f"{label}:", "", "```", plan, "```", ""]
    labels = list(pairs)
    for old, new in zip(labels[::2], labels[1::2], strict=True):
        assert results[old] == results[new], (old, results[old], results[new])
    lines += ["", "Each pair returned the same rows (asserted).", ""]
    # What the upkeep adds to a day's rollup: one mid-period day again, whole and the
    # FirstActive step alone (both idempotent), and the CohortWeek step of its week.
    from django.db import transaction

    from analytics import services

    day = today - timedelta(days=days // 2)
    whole, _q = timed(lambda: services.roll_up_day(day))
    first, _q = timed(lambda: transaction.atomic(services._record_first_active)(day))
    week_rows = list(UserWeek.objects.filter(week=services.monday(day)))
    cohort, _q = timed(
        lambda: transaction.atomic(services._count_cohort_weeks)(services.monday(day), week_rows)
    )
    lines += [
        f"Upkeep in the rollup ({day}, rolled up again): the whole day {whole:.0f} ms, of "
        f"which FirstActive {first:.1f} ms; CohortWeek of its week ({len(week_rows):,} "
        f"UserWeek rows) {cohort:.1f} ms.",
        "",
    ]
    with CaptureQueriesContext(connection) as captured:
        selectors.goals(scope)
    lines += ["### The goals panel's queries one by one", "", "| ms | query |", "|---:|---|"]
    for query in captured.captured_queries:
        lines.append(f"| {float(query['time']) * 1000:.1f} | `{query['sql'][:110]}…` |")
    return [*lines, "", "### EXPLAIN ANALYZE", "", *plans]


if __name__ == "__main__":
    main()
