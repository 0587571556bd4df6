"""The database at 100x the demo data: every list endpoint's and list page's queries, timed
by PostgreSQL, before and after the list indexes, in one run.

A throwaway PostgreSQL and Redis (benchmarks.common.prepare, the API benchmark's
production-like settings), migrated and loaded with the demo data, then scaled x``--factor``
in SQL (benchmarks.db.scale: every person and what they own - bookings, attempts, messages,
notifications, ledger entries, words and reviews, moments ...). Then, as a few demo users
(Django's test client, signed in), every parameterless GET under /api/v1/ and every website
list page is requested once with its queries captured; each distinct SELECT is run again under
``EXPLAIN (ANALYZE, FORMAT JSON)`` (best of two) and the slowest are reported, with any over
100 ms flagged, and any sequential scan of a table with more than 10,000 rows.

"Before" is the schema with the index migrations listed in INDEX_MIGRATIONS rolled back;
"after" is with them applied, on the same data.

    .venv/bin/python benchmarks/db/bench.py [--factor 100]

Writes benchmarks/db/results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]

from benchmarks.common import load_demo_data, prepare  # noqa: E402

LIMIT_MS = 100.0
BIG_TABLE_ROWS = 10_000
# (app, the migration before the index migrations): "before" migrates each app back to it.
INDEX_MIGRATIONS: list[tuple[str, str]] = []
# Paths never requested: sign-out, downloads that build archives, the AI endpoints (an LLM
# off the machine), the admin sites.
SKIP = re.compile(
    r"^/(admin|cms|django-admin|bench|static|media|accounts|__)|logout|export|/ai/|/auth/|"
    r"\.(xml|txt|json|js|webmanifest)$|sw\.js|offline"
)
USERS = ("learner", "teacher", "priya", "mei")


@dataclass
class Query:
    sql: str
    where: str
    ms: float = 0.0
    rows: int = 0
    seq_scans: list[str] = field(default_factory=list)


def shape(sql: str) -> str:
    """The query with its literals taken out: one row per query of the code, whoever asked."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    return re.sub(r"\((\?, )+\?\)", "(?...)", sql)


def urls() -> list[str]:
    """Every parameterless GET route of the site (API and pages) and the live Wagtail index
    pages and one page of each other type."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from django.urls.resolvers import RoutePattern
    from wagtail.models import Page

    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            if not isinstance(pattern.pattern, RoutePattern) and str(pattern.pattern) != "^":
                text = str(pattern.pattern)
                if any(c in text for c in "([?*+\\"):
                    continue
                route = text.lstrip("^").rstrip("$")
            else:
                route = "" if str(pattern.pattern) == "^" else str(pattern.pattern)
            if "<" in route:
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern):
                found.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    seen_types: set[int] = set()
    for page in Page.objects.live().filter(depth__gte=2).order_by("depth", "path").specific():
        if page.depth <= 3 or page.content_type_id not in seen_types:
            seen_types.add(page.content_type_id)
            url = page.get_url()
            if url:
                found.append(url)
    return sorted({u for u in found if not SKIP.search(u)})


def capture(paths: list[str], emails: list[str]) -> dict[str, Query]:
    """Requests every path as every user (and anonymously); the distinct SELECTs they ran."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    queries: dict[str, Query] = {}
    people = [None, *get_user_model().objects.filter(email__in=emails)]
    for person in people:
        client = Client(HTTP_ACCEPT="application/json", raise_request_exception=False)
        if person is not None:
            client.force_login(person)
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                try:
                    client.get(
                        path, HTTP_ACCEPT="text/html" if "/api/" not in path else "application/json"
                    )
                except Exception as error:
                    print(f"  {path}: {error!r}"[:200], flush=True)
            for item in captured.captured_queries:
                sql = item["sql"]
                if sql.lstrip().upper().startswith("SELECT") and sql not in queries:
                    who = person.email.split("@")[0] if person else "anonymous"
                    queries[sql] = Query(sql, f"{path} ({who})")
    return queries


def explain(queries: dict[str, Query]) -> dict[str, Query]:
    """Times every query with EXPLAIN ANALYZE (best of two); keeps the slowest per shape."""
    from django.db import connection

    sizes = table_sizes()
    by_shape: dict[str, Query] = {}
    with connection.cursor() as cursor:
        for query in queries.values():
            best = None
            for _ in range(2):
                try:
                    cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query.sql)
                except Exception:
                    best = None
                    break
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                if best is None or plan[0]["Execution Time"] < best[0]["Execution Time"]:
                    best = plan
            if best is None:
                continue
            query.ms = best[0]["Execution Time"] + best[0]["Planning Time"]
            query.rows = best[0]["Plan"].get("Actual Rows", 0)
            query.seq_scans = sorted(
                {
                    node["Relation Name"]
                    for node in nodes(best[0]["Plan"])
                    if node["Node Type"] == "Seq Scan"
                    and sizes.get(node["Relation Name"], 0) > BIG_TABLE_ROWS
                }
            )
            key = shape(query.sql)
            if key not in by_shape or by_shape[key].ms < query.ms:
                by_shape[key] = query
    return by_shape


def nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found += nodes(child)
    return found


def table_sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, n_live_tup FROM pg_stat_user_tables")
        return {name: int(rows) for name, rows in cursor.fetchall()}


def migrate(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0", *args], cwd=ROOT, check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--factor", type=int, default=100)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="toto-bench-db-"))
    os.environ["TOTO_BENCH_MEDIA_ROOT"] = str(root / "media")
    postgres, redis = prepare(root, "benchmarks.api.settings")
    try:
        load_demo_data()
        import django

        django.setup()
        from django.conf import settings

        settings.ALLOWED_HOSTS = ["*"]
        from core.testing.scale import scale

        started = time.monotonic()
        report = scale(args.factor)
        scaled_in = time.monotonic() - started
        print(f"scaled x{args.factor} in {scaled_in:.0f} s", flush=True)
        for table, (rows, why) in sorted(report.items(), key=lambda item: -item[1][0])[:40]:
            print(f"  {table:50s} {rows:9d} {why}", flush=True)

        from django.db import connection

        emails = [f"{name}@toto.localhost" for name in USERS] + [
            f"57.{name}@toto.localhost" for name in USERS[:2]
        ]
        paths = urls()
        print(f"{len(paths)} paths", flush=True)
        rounds: dict[str, dict[str, Query]] = {}
        for label in ("before", "after"):
            connection.close()
            if label == "before":
                for app, previous in INDEX_MIGRATIONS:
                    migrate(app, previous)
            else:
                migrate()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            started = time.monotonic()
            queries = capture(paths, emails)
            rounds[label] = explain(queries)
            slow = sum(1 for q in rounds[label].values() if q.ms > LIMIT_MS)
            print(
                f"[{label}] {len(queries)} queries, {len(rounds[label])} shapes, {slow} over"
                f" {LIMIT_MS:.0f} ms, in {time.monotonic() - started:.0f} s",
                flush=True,
            )
        write_results(args.factor, report, scaled_in, paths, rounds)
    finally:
        redis.stop()
        postgres.stop()


def write_results(
    factor: int,
    report: dict[str, tuple[int, str]],
    scaled_in: float,
    paths: list[str],
    rounds: dict[str, dict[str, Query]],
) -> None:
    before, after = rounds["before"], rounds["after"]
    lines = [
        "# Database at 100x the demo data: list queries before and after the list indexes",
        "",
        f"Machine: {os.cpu_count()} CPU cores shared with other sessions (load average"
        f" {os.getloadavg()[0]:.1f} at the end), Python {platform.python_version()},"
        " PostgreSQL as the test services start it (fsync off). The demo data scaled"
        f" x{factor} in SQL in {scaled_in:.0f} s (core.testing.scale). {len(paths)} paths"
        " (every parameterless GET under /api/v1/ and every website list page, and the"
        " Wagtail index pages) requested anonymously and as"
        f" {', '.join(USERS)} and two of their copies; each distinct SELECT timed by"
        " `EXPLAIN ANALYZE` (planning + execution, best of two). Times are PostgreSQL's own,"
        " so the shared machine moves them less than wall-clock rates.",
        "",
        "## Largest tables after scaling",
        "",
        "| table | rows | left out because |",
        "|---|---|---|",
    ]
    for table, (rows, why) in sorted(report.items(), key=lambda item: -item[1][0])[:25]:
        lines.append(f"| {table} | {rows} | {why} |")
    left_out = [table for table, (_rows, why) in report.items() if why]
    if left_out:
        lines += [
            "",
            f"Tables not multiplied (a constraint across people): {', '.join(sorted(left_out))}.",
        ]
    lines += [
        "",
        "## Summary",
        "",
        "| schema | query shapes | over 100 ms | slowest (ms) | with a Seq Scan of a table > 10,000 rows |",
        "|---|---|---|---|---|",
    ]
    for label, found in rounds.items():
        times = [q.ms for q in found.values()]
        lines.append(
            f"| {label} | {len(found)} | {sum(1 for t in times if t > LIMIT_MS)}"
            f" | {max(times, default=0):.1f} | {sum(1 for q in found.values() if q.seq_scans)} |"
        )
    lines += [
        "",
        "## The 30 slowest query shapes before, and the same shapes after",
        "",
        "| where (first path and user) | before (ms) | after (ms) | rows | seq scans before | seq scans after | query (start) |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, query in sorted(before.items(), key=lambda item: -item[1].ms)[:30]:
        later = after.get(key)
        text = query.sql[:160].replace("|", "\\|")
        lines.append(
            f"| {query.where} | {query.ms:.1f}{' **>100**' if query.ms > LIMIT_MS else ''}"
            f" | {later.ms:.1f}{' **>100**' if later and later.ms > LIMIT_MS else ''}"
            if later
            else f"| {query.where} | {query.ms:.1f} | - "
        )
        lines[-1] += (
            f" | {query.rows} | {', '.join(query.seq_scans)} |"
            f" {', '.join(later.seq_scans) if later else ''} | `{text}` |"
        )
    remaining = sorted((q for q in after.values() if q.seq_scans), key=lambda q: -q.ms)
    lines += [
        "",
        "## After: queries still scanning a big table sequentially",
        "",
        "| where | ms | tables | query (start) |",
        "|---|---|---|---|",
    ]
    for query in remaining[:40]:
        lines.append(
            f"| {query.where} | {query.ms:.1f} | {', '.join(query.seq_scans)} |"
            f" `{query.sql[:160].replace('|', chr(92) + '|')}` |"
        )
    if not INDEX_MIGRATIONS:
        lines += [
            "",
            "No index migration was listed (INDEX_MIGRATIONS): the two rounds ran on the same"
            " schema, and the second one finds the cache warm (cached pages and per-user"
            " values answer without their queries), hence fewer query shapes in it.",
        ]
    lines += ["", "Run: `.venv/bin/python benchmarks/db/bench.py`.", ""]
    (Path(__file__).parent / "results.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
