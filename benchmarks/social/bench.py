"""Home feed read and fan-out on write, against a single-row read measured in the same run.

On a throwaway PostgreSQL and Redis (core.testing.services):

- a reader following ``--authors`` people who posted ``--moments`` moments in all (10,000 by
  default, over the last 60 days), and one author followed by ``--followers`` people (10,000);
- the baseline: ``GET /api/v1/social/moments/{id}/`` (one moment, the same serializer), and
  the bare indexed query of 20 moments by primary key;
- ``GET /api/v1/social/feed/`` with the reader's Redis timeline warm (first page, then pages
  deeper down with the cursor) and cold (the timeline dropped, so the request rebuilds it from
  the database: a returning user), with its SQL query count;
- the fan-out of one new moment by the author with N followers (every follower holding a
  timeline: the worst case; ``social.tasks.fan_out_moment``).

    .venv/bin/python benchmarks/social/bench.py [--authors 100] [--moments 10000]
        [--followers 10000] [--samples 200]

Writes benchmarks/social/results.md (its first section; later sections by other runs are
kept). Timings are for reading, not asserting: the tests pin query counts, never times.

    .venv/bin/python benchmarks/social/bench.py --hit-rate [--people 300]

measures instead the interest suggestions at registration (social.interests) by hold-out:
``--people`` profiles (a native and one or two learning languages each, seeded) get interests
from the demo data's own generator (social.demo.ensure_demo_interests); for every profile
with at least three interests, each interest in turn is hidden and the suggester is asked
with the others; hit@5 / hit@10 is how often the hidden one is among the first 5 / 10
suggestions. The baseline, in the same run on the same data, suggests the interests most
people chose (minus the ones given). Appends (or replaces) its own section at the end of
results.md.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from benchmarks.common import percentile, prepare  # noqa: E402


def fill(authors: int, moments: int, followers: int) -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO accounts_user (id, password, is_superuser, email, first_name, last_name,
                is_staff, is_active, date_joined, suspension_reason, awaiting_guardian_consent)
            SELECT gen_random_uuid(), '!', false, kind || n || '@bench.example',
                   initcap(kind) || n, 'Bench', false, true, now(), '', false
            FROM (SELECT 'reader' AS kind, 1 AS n
                  UNION ALL SELECT 'author', generate_series(1, %s)
                  UNION ALL SELECT 'star', 1
                  UNION ALL SELECT 'fan', generate_series(1, %s)) AS people
            """,
            [authors, followers],
        )
        cursor.execute(
            """
            INSERT INTO social_follow (follower_id, followee_id, created_at)
            SELECT r.id, a.id, now() FROM accounts_user r, accounts_user a
            WHERE r.email = 'reader1@bench.example' AND a.email LIKE 'author%%@bench.example'
            UNION ALL
            SELECT f.id, s.id, now() FROM accounts_user f, accounts_user s
            WHERE f.email LIKE 'fan%%@bench.example' AND s.email = 'star1@bench.example'
            """
        )
        cursor.execute(
            """
            WITH a AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM accounts_user
                       WHERE email LIKE 'author%%@bench.example')
            INSERT INTO social_moment (author_id, text, language, level, visibility, status,
                held_reason, sensitive, correct_me, created_at)
            SELECT a.id, 'Moment ' || m || ': hoy he practicado español.', 'es', 'B1',
                   'public', 'published', '', false, false,
                   now() - (m * interval '60 days' / %s)
            FROM generate_series(1, %s) AS m JOIN a ON a.n = m %% %s
            """,
            [moments, moments, authors],
        )
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def timed(samples: list[float], call: object) -> object:
    started = time.perf_counter()
    result = call()  # type: ignore[operator]
    samples.append(time.perf_counter() - started)
    return result


def measure(samples: int) -> dict[str, object]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from social import tasks, timelines
    from social.models import Follow, Moment

    settings.ALLOWED_HOSTS = ["testserver"]
    reader = User.objects.get(email="reader1@bench.example")
    star = User.objects.get(email="star1@bench.example")
    client = Client()
    client.force_login(reader)
    ids = list(Moment.objects.values_list("pk", flat=True))
    rng = random.Random(7)

    single, bare, warm, deeper, cold = [], [], [], [], []
    counts: dict[str, set[int]] = {"single": set(), "warm": set(), "cold": set()}
    client.get("/api/v1/social/feed/")  # build the timeline once
    for _ in range(samples):
        pk = rng.choice(ids)
        with CaptureQueriesContext(connection) as queries:
            response = timed(single, lambda pk=pk: client.get(f"/api/v1/social/moments/{pk}/"))
        assert response.status_code == 200  # type: ignore[attr-defined]
        counts["single"].add(len(queries.captured_queries))

        chosen = rng.sample(ids, 20)
        with connection.cursor() as cursor:
            timed(
                bare,
                lambda chosen=chosen: (
                    cursor.execute(
                        "SELECT id, author_id, text, created_at FROM social_moment "
                        "WHERE id = ANY(%s)",
                        [chosen],
                    ),
                    cursor.fetchall(),
                ),
            )

        with CaptureQueriesContext(connection) as queries:
            page = timed(warm, lambda: client.get("/api/v1/social/feed/")).json()  # type: ignore[attr-defined]
        assert len(page["results"]) == 20
        counts["warm"].add(len(queries.captured_queries))

    cursor_value = None
    for _ in range(min(samples, 39)):  # 40 pages of 20: the 800 ids a timeline keeps
        url = "/api/v1/social/feed/" + (f"?cursor={cursor_value}" if cursor_value else "")
        page = timed(deeper, lambda url=url: client.get(url)).json()  # type: ignore[attr-defined]
        cursor_value = page["next"]
        assert page["results"] and cursor_value

    for _ in range(max(20, samples // 10)):
        timelines.drop(reader.pk)
        with CaptureQueriesContext(connection) as queries:
            page = timed(cold, lambda: client.get("/api/v1/social/feed/")).json()  # type: ignore[attr-defined]
        assert len(page["results"]) == 20
        counts["cold"].add(len(queries.captured_queries))

    # Fan-out: every follower of the star holds a timeline (the worst case: a timeline not
    # in Redis is skipped and rebuilt when its owner returns).
    fans = list(Follow.objects.filter(followee=star).values_list("follower_id", flat=True))
    for fan in fans:
        timelines.store(fan, [(ids[0], 1)])
    fan_out: list[float] = []
    for n in range(5):
        # Created directly: post_moment's checks and rate limits are not what is measured.
        moment = Moment.objects.create(author=star, text=f"Nuevo momento {n}", language="es")
        reached = timed(fan_out, lambda moment=moment: tasks.fan_out_moment(moment.pk))
        assert reached == len(fans) + 1
    redis_client = timelines.client()
    assert redis_client is not None
    in_timelines = sum(
        1 for fan in fans[:200] if redis_client.zscore(timelines.key_of(fan), str(moment.pk))
    )
    return {
        "single": single,
        "bare": bare,
        "warm": warm,
        "deeper": deeper,
        "cold": cold,
        "fan_out": fan_out,
        "fans": len(fans),
        "fan_check": in_timelines,
        "counts": {key: sorted(value) for key, value in counts.items()},
    }


HIT_RATE_TITLE = "## Interest suggestions at registration: hold-out hit rate"
NATIVE = ["en", "en", "es", "es", "fr", "ja", "de", "hi", "pt"]
TARGETS = ["es", "es", "en", "en", "fr", "ja", "de", "it"]


def fill_people(people: int) -> None:
    """``people`` accounts with profiles and one or two learning languages, seeded."""
    import uuid

    from accounts.models import LearningLanguage, Level, Profile, User

    rng = random.Random(11)
    users = [
        User(
            id=uuid.uuid4(),
            email=f"person{n:04d}@bench.example",
            first_name=f"Person {n}",
            password="!",  # noqa: S106 - an unusable password
        )
        for n in range(people)
    ]
    User.objects.bulk_create(users)
    profiles = Profile.objects.bulk_create(
        Profile(user=user, native_language=rng.choice(NATIVE)) for user in users
    )
    levels = [level for level, _label in Level.choices]
    learning = []
    for profile in profiles:
        choices = [code for code in dict.fromkeys(TARGETS) if code != profile.native_language]
        for code in rng.sample(choices, k=rng.choice([1, 1, 2])):
            learning.append(
                LearningLanguage(profile=profile, language=code, level=rng.choice(levels))
            )
    LearningLanguage.objects.bulk_create(learning)


def hit_rate() -> dict[str, object]:
    from collections import Counter

    from social.demo import ensure_demo_interests
    from social.interests import suggest_interests
    from social.models import Interest

    started = time.perf_counter()
    summary = ensure_demo_interests()
    by_user: dict[object, list[str]] = {}
    for user_id, tag in Interest.objects.order_by("created_at", "id").values_list("user", "tag"):
        by_user.setdefault(user_id, []).append(tag)
    chosen_by = Counter(tag for tags in by_user.values() for tag in tags)
    from accounts.models import User

    users = User.objects.in_bulk(list(by_user))
    trials = 0
    hits = {"model5": 0, "model10": 0, "pop5": 0, "pop10": 0}
    profiles = 0
    for user_id, tags in by_user.items():
        if len(tags) < 3:
            continue
        profiles += 1
        for hidden in tags:
            rest = [tag for tag in tags if tag != hidden]
            trials += 1
            found = [s.tag for s in suggest_interests(users[user_id], chosen=rest, limit=10)]
            hits["model5"] += hidden in found[:5]
            hits["model10"] += hidden in found[:10]
            # Popularity among the others (the person's own choices not counted).
            others = chosen_by - Counter(tags)
            popular = [
                tag
                for tag, _n in sorted(others.items(), key=lambda item: (-item[1], item[0]))
                if tag not in rest
            ][:10]
            hits["pop5"] += hidden in popular[:5]
            hits["pop10"] += hidden in popular[:10]
    return {
        "summary": summary,
        "people": len(by_user),
        "profiles": profiles,
        "trials": trials,
        "tags": len(chosen_by),
        "hits": hits,
        "seconds": time.perf_counter() - started,
    }


def write_hit_rate(path: Path, people: int, result: dict[str, object]) -> None:
    hits: dict[str, int] = result["hits"]  # type: ignore[assignment]
    trials: int = result["trials"]  # type: ignore[assignment]

    def rate(key: str) -> str:
        return f"{hits[key] / trials:.1%} ({hits[key]}/{trials})"

    load = os.getloadavg()
    lines = [
        HIT_RATE_TITLE,
        "",
        f"{people} profiles (a native and one or two learning languages each, drawn at random,"
        " seeded), given"
        " interests by the demo data's own generator (`social.demo.ensure_demo_interests`:"
        " three to six tags, mostly from one kind of person drawn by the languages learnt,"
        f" often one or two from a second kind, sometimes one of anything): {result['tags']}"
        f" distinct tags. {result['profiles']} profiles have three or more; each of their"
        f" interests was hidden in turn ({trials} trials) and `suggest_interests` asked with"
        ' the others (no moments here: its signals are "chosen together" and "popular").'
        " The baseline suggests the interests most other people chose, in the same run on the"
        " same data.",
        "",
        "| suggester | hit@5 | hit@10 |",
        "| --- | ---: | ---: |",
        f"| co-occurrence (`social.interests`) | {rate('model5')} | {rate('model10')} |",
        f"| popularity baseline | {rate('pop5')} | {rate('pop10')} |",
        "",
        f"Run in {result['seconds']:.0f} s, machine load average {load[0]:.1f} (2 cores shared"
        " with other sessions; the hit rates do not depend on it). The interests are"
        " generated, so this measures how much of a community's structure the suggester"
        " recovers, not what real learners would pick.",
        "",
        "Run: `.venv/bin/python benchmarks/social/bench.py --hit-rate`.",
        "",
    ]
    text = path.read_text() if path.exists() else ""
    if HIT_RATE_TITLE in text:
        head, _, tail = text.partition(HIT_RATE_TITLE)
        after = tail.find("\n## ")
        text = head.rstrip() + "\n" + (tail[after:] if after >= 0 else "")
    path.write_text(text.rstrip() + "\n\n" + "\n".join(lines))
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--authors", type=int, default=100)
    parser.add_argument("--moments", type=int, default=10_000)
    parser.add_argument("--followers", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--out", default=str(Path(__file__).with_name("results.md")))
    parser.add_argument("--hit-rate", action="store_true")
    parser.add_argument("--people", type=int, default=300)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="toto-bench-social-"))
    postgres, redis = prepare(root)
    if args.hit_rate:
        try:
            import django

            django.setup()
            fill_people(args.people)
            found = hit_rate()
        finally:
            redis.stop()  # type: ignore[attr-defined]
            postgres.stop()  # type: ignore[attr-defined]
        write_hit_rate(Path(args.out), args.people, found)
        return
    try:
        import django

        django.setup()
        fill_seconds = fill(args.authors, args.moments, args.followers)
        result = measure(args.samples)
    finally:
        redis.stop()  # type: ignore[attr-defined]
        postgres.stop()  # type: ignore[attr-defined]

    def row(label: str, key: str) -> str:
        values: list[float] = result[key]  # type: ignore[assignment]
        return (
            f"| {label} | {len(values)} | {percentile(values, 0.5) * 1000:.2f}"
            f" | {percentile(values, 0.95) * 1000:.2f} |"
        )

    def median(key: str) -> float:
        return statistics.median(result[key])  # type: ignore[arg-type]

    counts: dict[str, list[int]] = result["counts"]  # type: ignore[assignment]
    lines = [
        "# Social: home feed read and fan-out",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared with other work),"
        f" Python {platform.python_version()}, PostgreSQL 15 (test server, fsync off), Redis 7.",
        f"A reader following {args.authors} people with {args.moments:,} moments between them"
        f" (60 days); one author with {args.followers:,} followers (filled in"
        f" {fill_seconds:.1f} s). Requests through Django's test client (whole request, JSON"
        " rendered), page size 20.",
        "",
        "| What | n | p50 ms | p95 ms |",
        "| --- | ---: | ---: | ---: |",
        row("Bare indexed query: 20 moments by primary key", "bare"),
        row("Baseline: `GET /api/v1/social/moments/{id}/` (one moment)", "single"),
        row("`GET /api/v1/social/feed/`, warm timeline, first page", "warm"),
        row("`GET /api/v1/social/feed/?cursor=…`, pages 2-40 (down to the 800th id)", "deeper"),
        row("`GET /api/v1/social/feed/`, cold: timeline rebuilt from the database", "cold"),
        row(
            f"Fan-out of one moment to {result['fans']:,} followers' timelines (`fan_out_moment`)",
            "fan_out",
        ),
        "",
        f"**Feed first page (warm) / one-moment read (p50): {median('warm') / median('single'):.1f}"
        f" times**; deeper pages {median('deeper') / median('single'):.1f} times; a cold"
        f" feed (rebuild) {median('cold') / median('single'):.1f} times.",
        "The baseline and the feed are sampled alternately in one loop, so load from other work"
        " on the machine weighs on both alike: compare the ratios, not the milliseconds.",
        "",
        f"SQL queries per request: one moment {counts['single']}, feed warm {counts['warm']},"
        f" feed cold {counts['cold']} (the same whatever the number of followed people or"
        " moments: tests/platform/social pins them).",
        f"Fan-out check: the new moment was in {result['fan_check']} of the first 200 followers'"
        " timelines.",
        "",
    ]
    out = Path(args.out)
    kept = out.read_text() if out.exists() else ""
    # Sections other runs appended (hit rate, the profanity block between its markers).
    starts = [i for i in (kept.find("\n## "), kept.find("\n<!-- ")) if i >= 0]
    later = min(starts) if starts else -1
    out.write_text("\n".join(lines) + (kept[later:] if later >= 0 else ""))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
