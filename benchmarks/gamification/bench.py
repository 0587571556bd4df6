"""Leaderboard speed with 100,000 learners in weekly leagues of 30.

Measures, on a throwaway PostgreSQL (core.testing.services) filled with N learners spread over
leagues of 30 in five tiers:

- the league board as the API reads it (``selectors.current_membership`` then
  ``selectors.league_board``: the ranked page with the members' names, window function), per
  learner, p50/p95;
- the bare indexed query it is compared with: the 30 ``(user_id, xp)`` rows of one league by
  ``gamification_rank_idx``;
- the whole ``GET /api/v1/gamification/leaderboard/`` request through Django's test client, and
  its SQL query count (pinned at 5 in the tests);
- closing the week for all N learners (ranks, promotions and demotions: three UPDATEs).

    .venv/bin/python benchmarks/gamification/bench.py [--learners 100000] [--samples 300]

Writes benchmarks/gamification/results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from benchmarks.common import percentile, prepare  # noqa: E402


def fill(learners: int) -> float:
    """N users, their players, leagues of 30 and memberships; returns seconds taken."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO accounts_user (id, password, is_superuser, email, first_name, last_name,
                is_staff, is_active, date_joined, suspension_reason, awaiting_guardian_consent)
            SELECT gen_random_uuid(), '!', false, 'learner' || n || '@bench.example',
                   'Learner' || n, 'Bench', false, true, now(), '', false
            FROM generate_series(1, %s) AS n
            """,
            [learners],
        )
        cursor.execute(
            """
            INSERT INTO gamification_player (user_id, xp, level, daily_goal, rest_days,
                previous_rest_days, freezes, streak, best_streak, lost_streak, time_zone,
                league_opt_out, updated_at)
            SELECT id, 0, 1, 20, '[]', '[]', 0, 0, 0, 0, 'UTC', false, now() FROM accounts_user
            """
        )
        cursor.execute("SELECT id FROM gamification_leaguetier ORDER BY rank")
        tiers = [row[0] for row in cursor.fetchall()]
        week = "2026-03-02"
        leagues = (learners + 29) // 30
        cursor.execute(
            """
            INSERT INTO gamification_league (week_start, tier_id, band, size)
            SELECT %s, (ARRAY[%s, %s, %s, %s, %s])[1 + n %% 5], n %% 5, 0
            FROM generate_series(0, %s - 1) AS n
            """,
            [week, *tiers, leagues],
        )
        cursor.execute(
            """
            WITH users AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM accounts_user
                           WHERE email LIKE '%%@bench.example'),
                 ls AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
                        FROM gamification_league)
            INSERT INTO gamification_leaguemember (league_id, week_start, user_id, xp,
                xp_reached_at, outcome)
            SELECT ls.id, %s, users.id, (random() * 400)::int,
                   now() - random() * interval '6 days', ''
            FROM users JOIN ls ON ls.n = users.n / 30
            """,
            [week],
        )
        cursor.execute(
            """
            UPDATE gamification_league l SET size = c.count
            FROM (SELECT league_id, count(*) FROM gamification_leaguemember GROUP BY league_id) c
            WHERE c.league_id = l.id
            """
        )
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def measure(samples: int) -> dict[str, object]:
    from unittest import mock

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from gamification import selectors, services
    from gamification.models import LeagueMember

    now = datetime(2026, 3, 4, 12, tzinfo=UTC)
    rng = random.Random(5)
    members = list(LeagueMember.objects.values_list("user_id", "league_id"))
    chosen = rng.sample(members, samples)
    users = {u.pk: u for u in User.objects.filter(pk__in=[c[0] for c in chosen])}

    board, bare, api = [], [], []
    query_counts = set()
    with mock.patch("django.utils.timezone.now", return_value=now):
        for user_id, league_id in chosen:
            user = users[user_id]
            started = time.perf_counter()
            member = selectors.current_membership(user)
            rows = list(selectors.league_board(member)[:30])
            board.append(time.perf_counter() - started)
            assert rows and rows[0].rank == 1  # the last league is not full

            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT user_id, xp FROM gamification_leaguemember WHERE league_id = %s "
                    "ORDER BY xp DESC, xp_reached_at LIMIT 30",
                    [league_id],
                )
                cursor.fetchall()
            bare.append(time.perf_counter() - started)

        settings.ALLOWED_HOSTS = ["testserver"]  # the test client's host name
        client = Client()
        for user_id, _league_id in chosen[: max(30, samples // 5)]:
            client.force_login(users[user_id])
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/api/v1/gamification/leaderboard/")
                api.append(time.perf_counter() - started)
            assert response.status_code == 200 and response.json()["count"] >= 1
            # The session and user reads count too; the test pins the same 5.
            query_counts.add(len(queries.captured_queries))

    with mock.patch("django.utils.timezone.now", return_value=now.replace(day=9, hour=1)):
        started = time.perf_counter()
        closed = services.close_finished_weeks()
        close_seconds = time.perf_counter() - started
    explain = ""
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT user_id, xp FROM gamification_leaguemember WHERE league_id = %s "
            "ORDER BY xp DESC, xp_reached_at LIMIT 30",
            [chosen[0][1]],
        )
        explain = "\n".join(row[0] for row in cursor.fetchall())
    return {
        "board": board,
        "bare": bare,
        "api": api,
        "queries": sorted(query_counts),
        "closed": closed,
        "close_seconds": close_seconds,
        "explain": explain,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--learners", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--out", default=str(Path(__file__).with_name("results.md")))
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="toto-bench-gam-"))
    postgres, redis = prepare(root)
    try:
        import django

        django.setup()
        fill_seconds = fill(args.learners)
        result = measure(args.samples)
    finally:
        redis.stop()  # type: ignore[attr-defined]
        postgres.stop()  # type: ignore[attr-defined]

    def ms(values: list[float], fraction: float) -> float:
        return percentile(values, fraction) * 1000

    board, bare, api = result["board"], result["bare"], result["api"]
    ratio = statistics.median(board) / statistics.median(bare)  # type: ignore[arg-type]
    lines = [
        "# Gamification: leaderboard with many learners",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared with other work),"
        f" Python {platform.python_version()}, PostgreSQL 15 (test server, fsync off).",
        f"{args.learners:,} learners in {(args.learners + 29) // 30:,} leagues of 30 over five"
        f" tiers (filled in {fill_seconds:.1f} s); {args.samples} learners sampled.",
        "",
        "| What | p50 ms | p95 ms |",
        "| --- | ---: | ---: |",
        f"| Bare indexed query: one league's 30 rows (user_id, xp) | {ms(bare, 0.5):.2f} | {ms(bare, 0.95):.2f} |",  # type: ignore[arg-type]
        f"| League board selector: membership + ranked page with names | {ms(board, 0.5):.2f} | {ms(board, 0.95):.2f} |",  # type: ignore[arg-type]
        f"| `GET /api/v1/gamification/leaderboard/` (test client, whole request) | {ms(api, 0.5):.2f} | {ms(api, 0.95):.2f} |",  # type: ignore[arg-type]
        "",
        f"**Ratio, board selector to bare query (p50): {ratio:.1f} times** — two queries (the learner's"
        " membership, then the page) against one, plus model instances.",
        f"SQL queries per API request: {result['queries']} (pinned at 5 in"
        " tests/platform/gamification/test_gamification_leagues.py).",
        f"Closing the week for all {args.learners:,} learners ({result['closed']:,} leagues ranked,"
        f" promoted and demoted): {result['close_seconds']:.1f} s.",
        "",
        "Plan of the bare query (the `gamification_rank_idx` index on (league, -xp, xp_reached_at)):",
        "",
        "```",
        str(result["explain"]),
        "```",
        "",
    ]
    Path(args.out).write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
