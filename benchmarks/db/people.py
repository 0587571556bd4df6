"""People to follow at 100x the demo data: the OR-of-EXISTS query it was against the UNION of
indexed candidate sets it is now, in one run, on the same data.

A throwaway PostgreSQL and Redis, the demo data loaded and scaled x``--factor`` in SQL (as
benchmarks/db/bench.py does). For a few demo people and two of their copies, the list page
(first 20) and its count are run under ``EXPLAIN (ANALYZE, FORMAT JSON)`` (planning +
execution, best of three) in three shapes: the old query (kept below, as it was), the new
``social.selectors.people_to_follow``, and the new one with the two candidate indexes
dropped (in a transaction rolled back). Both shapes must return the same people in the same
order, which is checked for every person before any time is written.

    .venv/bin/python benchmarks/db/people.py [--factor 100]

Appends (or replaces) the section "People to follow: ..." at the end of
benchmarks/db/results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]

from benchmarks.common import load_demo_data, prepare  # noqa: E402

TITLE = "## People to follow: OR of EXISTS against a UNION of indexed candidates"
USERS = ("student", "teacher", "priya", "mei")
INDEXES = ("accounts_profile_native", "accounts_learning_by_language")


def old_people_to_follow(viewer: Any) -> Any:
    """social.selectors.people_to_follow as it was before the UNION (commit ab95594)."""
    from django.db.models import Exists, OuterRef, Q, Value

    from accounts.models import LearningLanguage, User
    from social.models import Follow, Interest
    from social.selectors import _with_follow_flags, learner_languages, shown_people

    learning, native = learner_languages(viewer)
    their_learning = LearningLanguage.objects.filter(profile__user=OuterRef("pk"))
    learns_my_native = Exists(their_learning.filter(language=native)) if native else Value(False)
    shares_learning = Exists(their_learning.filter(language__in=learning))
    native_i_learn = Q(profile__native_language__in=learning)
    mine = Interest.objects.filter(user=viewer).values("tag")
    shares_interest = Exists(Interest.objects.filter(user=OuterRef("pk"), tag__in=mine))
    followed = Follow.objects.filter(follower=viewer).values("followee")
    people = (
        shown_people(viewer)
        .exclude(pk=viewer.pk)
        .exclude(pk__in=followed)
        .annotate(shared_interest=shares_interest)
        .filter(native_i_learn | learns_my_native | shares_learning | Q(shared_interest=True))
        .annotate(
            exchange=Exists(
                User.objects.filter(
                    pk=OuterRef("pk"), profile__native_language__in=learning
                ).filter(Exists(their_learning.filter(language=native)) if native else Q(pk=None))
            ),
            overlap=Exists(their_learning.filter(language__in=learning)),
        )
        .order_by("-exchange", "-overlap", "-shared_interest", "-date_joined", "pk")
    )
    return _with_follow_flags(people, viewer)


def explain_ms(queryset: Any, *, count: bool = False) -> tuple[float, bool]:
    """PostgreSQL's planning + execution time of the query as Django sends it (the page, or
    with ``count`` the paginator's COUNT), best of three, and whether the plan reads
    accounts_user or accounts_profile sequentially."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queryset = queryset.all()  # a fresh copy: an evaluated one answers from its cache
    with CaptureQueriesContext(connection) as captured:
        queryset.count() if count else list(queryset)
    sql = captured.captured_queries[0]["sql"]
    best = None
    with connection.cursor() as cursor:
        for _ in range(3):
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            if best is None or plan[0]["Execution Time"] < best[0]["Execution Time"]:
                best = plan
    assert best is not None
    seq = False
    stack = [best[0]["Plan"]]
    while stack:
        node = stack.pop()
        if node["Node Type"] == "Seq Scan" and node["Relation Name"] in (
            "accounts_user",
            "accounts_profile",
        ):
            seq = True
        stack += node.get("Plans", [])
    return best[0]["Execution Time"] + best[0]["Planning Time"], seq


def measure(emails: list[str]) -> list[dict[str, Any]]:
    from django.db import connection, transaction

    from accounts.models import User
    from social.selectors import people_to_follow

    rows = []
    for viewer in User.objects.filter(email__in=emails).order_by("email"):
        old, new = old_people_to_follow(viewer), people_to_follow(viewer)
        old_ids = [person.pk for person in old.all()]
        new_ids = [person.pk for person in new.all()]
        assert old_ids == new_ids, f"{viewer.email}: the two shapes disagree"
        row: dict[str, Any] = {"who": viewer.email.split("@")[0], "people": len(new_ids)}
        row["old_page"], row["old_seq"] = explain_ms(old[:20])
        row["old_count"], _ = explain_ms(old, count=True)
        row["new_page"], row["new_seq"] = explain_ms(new[:20])
        row["new_count"], _ = explain_ms(new, count=True)
        with transaction.atomic():
            with connection.cursor() as cursor:
                for index in INDEXES:
                    cursor.execute(f"DROP INDEX {index}")
            row["bare_page"], _ = explain_ms(new[:20])
            transaction.set_rollback(True)
        rows.append(row)
    return rows


def write(factor: int, scaled_in: float, users: int, rows: list[dict[str, Any]]) -> None:
    path = Path(__file__).with_name("results.md")
    text = path.read_text()
    if TITLE in text:
        text = text[: text.index(TITLE)].rstrip() + "\n"
    load = os.getloadavg()
    lines = [
        "",
        TITLE,
        "",
        f"Demo data x{factor} ({users:,} accounts, scaled in {scaled_in:.0f} s), one run of"
        " benchmarks/db/people.py; PostgreSQL's `EXPLAIN ANALYZE` time (planning + execution,"
        f" best of three). Machine: {os.cpu_count()} cores shared with other sessions, load"
        f" average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min) at the end."
        " Old and new return the same people in the same order for every viewer (checked in"
        " the run). The new shape without its two indexes (dropped in a rolled-back"
        " transaction) shows what the indexes give.",
        "",
        "| viewer | people | page of 20, old (ms) | page of 20, new (ms) | count, old (ms)"
        " | count, new (ms) | page, new without the indexes (ms) | seq scan of users/profiles old → new |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['who']} | {row['people']} | {row['old_page']:.1f} | {row['new_page']:.1f}"
            f" | {row['old_count']:.1f} | {row['new_count']:.1f} | {row['bare_page']:.1f}"
            f" | {'yes' if row['old_seq'] else 'no'} → {'yes' if row['new_seq'] else 'no'} |"
        )
    lines += ["", "Run: `.venv/bin/python benchmarks/db/people.py`.", ""]
    path.write_text(text + "\n".join(lines))
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--factor", type=int, default=100)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="toto-bench-people-"))
    os.environ["TOTO_BENCH_MEDIA_ROOT"] = str(root / "media")
    postgres, redis = prepare(root, "benchmarks.api.settings")
    try:
        load_demo_data()
        import django

        django.setup()
        from django.db import connection

        from accounts.models import User
        from core.testing.scale import scale

        started = time.monotonic()
        scale(args.factor)
        scaled_in = time.monotonic() - started
        print(f"scaled x{args.factor} in {scaled_in:.0f} s", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        emails = [f"{name}@toto.localhost" for name in USERS] + [
            f"57.{name}@toto.localhost" for name in USERS[:2]
        ]
        rows = measure(emails)
        write(args.factor, scaled_in, User.objects.count(), rows)
    finally:
        redis.stop()
        postgres.stop()


if __name__ == "__main__":
    main()
