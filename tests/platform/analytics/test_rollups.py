"""Daily rollups on a hand-built data set with known answers, idempotent, backfillable."""

from datetime import UTC, date, datetime, time
from io import StringIO

import pytest
from django.core.management import call_command

from analytics import selectors, services
from analytics.models import DailyActive, DailyMetric, DailyObjectMetric, UserDay, UserWeek

pytestmark = pytest.mark.django_db


def joined(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(9), tzinfo=UTC)


W0, W1, W2, W3 = date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23)


@pytest.fixture
def story(user_factory, act):  # type: ignore[no-untyped-def]
    """Ana and Ben join in week 0, Cai in week 1.
    Ana: active Mon and Tue of week 0, Tue of week 1, Tue of week 3.
    Ben: active Mon of week 0; only signs in (not active) in week 1.
    Cai: active Mon of weeks 1 and 2, on the app."""
    ana = user_factory(email="ana@example.com", date_joined=joined("2026-03-02"))
    ben = user_factory(email="ben@example.com", date_joined=joined("2026-03-02"))
    cai = user_factory(email="cai@example.com", date_joined=joined("2026-03-09"))
    act(ana, "2026-03-02", score=0)
    act(ana, "2026-03-03", score=0.5)
    act(ana, "2026-03-10", kind="ai.feature_used")
    act(ana, "2026-03-24")
    act(ben, "2026-03-02", block_id="b2", score=0)
    act(ben, "2026-03-10", kind="accounts.signed_in")
    act(cai, "2026-03-09", platform="app")
    act(cai, "2026-03-16", platform="app")
    services.roll_up_range(date(2026, 3, 2), date(2026, 3, 24))
    return ana, ben, cai


def test_dau_wau_mau_count_active_people_only(story) -> None:  # type: ignore[no-untyped-def]
    counts = {row.day.isoformat(): (row.dau, row.wau, row.mau) for row in DailyActive.objects.all()}
    assert counts["2026-03-02"] == (2, 2, 2)
    assert counts["2026-03-03"] == (1, 2, 2)
    # Ben only signed in on the 10th: not active. WAU = Ana (10th) + Cai (9th).
    assert counts["2026-03-10"] == (1, 2, 3)
    assert counts["2026-03-16"] == (1, 2, 3)
    assert counts["2026-03-24"] == (1, 1, 3)
    assert counts["2026-03-20"] == (0, 1, 3)


def test_lifecycle_per_week(story) -> None:  # type: ignore[no-untyped-def]
    chart = selectors.lifecycle(selectors.Scope(W0, date(2026, 3, 29)))
    table = {row[0]: row[1:] for row in chart["rows"]}
    # new, returning, resurrected, dormant
    assert table[W0.isoformat()] == [2, 0, 0, 0]
    assert table[W1.isoformat()] == [1, 1, 0, -1]
    assert table[W2.isoformat()] == [0, 1, 0, -1]
    assert table[W3.isoformat()] == [0, 0, 1, -1]


def test_weekly_cohort_retention(story) -> None:  # type: ignore[no-untyped-def]
    table = selectors.cohort_table(selectors.Scope(W0, date(2026, 3, 29)))
    rows = {row["cohort"]: (row["size"], row["cells"][:4]) for row in table["rows"]}
    assert rows[W0.isoformat()] == (2, [100.0, 50.0, 0.0, 50.0])
    assert rows[W1.isoformat()] == (1, [100.0, 100.0, 0.0, 0.0])
    assert rows[W3.isoformat()] == (0, [None, None, None, None])


def test_an_unfinished_week_is_marked_incomplete(user_factory, act) -> None:  # type: ignore[no-untyped-def]
    today = selectors.today()
    this_week = services.monday(today)
    someone = user_factory(date_joined=joined(this_week.isoformat()))
    act(someone, this_week.isoformat())
    services.roll_up_day(this_week)
    table = selectors.cohort_table(selectors.Scope(this_week, today))
    row = table["rows"][-1]
    assert row["cells"][0] == 100.0 and row["incomplete"][0] is True


def test_per_object_rollup_finds_the_most_failed_question(story) -> None:  # type: ignore[no-untyped-def]
    chart = selectors.most_failed(selectors.Scope(W0, date(2026, 3, 29)))
    # b1: Ana 0 and 0.5 (two failures) and Ana's full mark on the 24th and Cai's two;
    # b2: Ben's one failure.
    assert [(row[0].split(" · ")[1], row[1], row[2]) for row in chart["rows"]] == [
        ("b1", 2, 5),
        ("b2", 1, 1),
    ]


def snapshot() -> tuple:  # type: ignore[type-arg]
    return (
        sorted(DailyMetric.objects.values_list("day", "kind", "platform", "events", "users")),
        sorted(DailyObjectMetric.objects.values_list("day", "object_key", "events", "failures")),
        sorted(UserDay.objects.values_list("day", "user_id", "events")),
        sorted(UserWeek.objects.values_list("week", "user_id", "status")),
        sorted(DailyActive.objects.values_list("day", "dau", "wau", "mau")),
    )


def test_rolling_up_again_and_the_backfill_replace_days_instead_of_adding(story) -> None:  # type: ignore[no-untyped-def]
    before = snapshot()
    assert before[0]
    services.roll_up_day(date(2026, 3, 10))
    services.roll_up_range(date(2026, 3, 2), date(2026, 3, 24))
    out = StringIO()
    call_command("analytics_backfill", "--since=2026-03-02", "--until=2026-03-24", stdout=out)
    assert "Rolled up 23 days (8 events)" in out.getvalue()
    assert snapshot() == before


def test_a_late_event_rolled_up_later_updates_the_following_days(story, act) -> None:  # type: ignore[no-untyped-def]
    _ana, ben, _cai = story
    act(ben, "2026-03-05")
    services.roll_up_day(date(2026, 3, 5))
    counts = {row.day.isoformat(): (row.dau, row.wau) for row in DailyActive.objects.all()}
    assert counts["2026-03-05"] == (1, 2)
    assert counts["2026-03-10"] == (1, 3)  # Ben's 5th is inside the 10th's 7 days now


def test_wau_and_mau_equal_a_distinct_count_of_each_window(user_factory, act) -> None:  # type: ignore[no-untyped-def]
    """On irregular activity (streaks, gaps longer than a month, returns) every day's DAU, WAU
    and MAU after a backfill equal the distinct people in its windows, and still do after a
    late event re-rolls a day (which refreshes the 29 days after it)."""
    import random
    from datetime import timedelta

    chance = random.Random(20261207)
    first = date(2026, 1, 1)
    days = 75
    active: set[tuple[object, date]] = set()
    for n in range(9):
        person = user_factory(email=f"p{n}@example.com", date_joined=joined("2025-12-01"))
        offsets: set[int] = set()
        for _run in range(chance.randint(1, 4)):  # streaks of 1 to 5 days, some overlapping
            start = chance.randrange(days)
            offsets.update(range(start, min(days, start + chance.randint(1, 5))))
        for offset in sorted(offsets):
            day = first + timedelta(days=offset)
            act(person, day.isoformat())
            active.add((person.pk, day))

    def expected(day: date, width: int) -> int:
        return len({pk for pk, d in active if day - timedelta(days=width) < d <= day})

    def check() -> None:
        rows = {row.day: (row.dau, row.wau, row.mau) for row in DailyActive.objects.all()}
        assert len(rows) == days
        for day, counts in rows.items():
            assert counts == (expected(day, 1), expected(day, 7), expected(day, 30)), day

    services.roll_up_range(first, first + timedelta(days=days - 1))
    check()
    late = user_factory(email="late@example.com", date_joined=joined("2025-12-01"))
    act_day = first + timedelta(days=20)
    act(late, act_day.isoformat())
    active.add((late.pk, act_day))
    services.roll_up_day(act_day)  # refreshes the 29 days after it from this one
    check()


def test_a_day_rolls_up_with_the_configured_sort_memory(settings) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection, transaction

    settings.ANALYTICS_ROLLUP_WORK_MEM = "48MB"
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        server_default = cursor.fetchone()[0]
        with transaction.atomic():
            services.roll_up_day(date(2026, 3, 2))
            cursor.execute("SHOW work_mem")
            assert cursor.fetchone()[0] == "48MB"  # for the rollup's transaction
    assert server_default != "48MB"
