"""FirstActive (each person's first active day), CohortWeek (UserWeek counted per cohort,
week and status) and DailyKindTotal (DailyMetric summed per day and kind), the tables the
rollup keeps so that activation, retention, goals and lifecycle stop scanning every active
person or every dimension row: right whatever the order days are rolled up in, when a day is
rolled up again, after an account is deleted or its user row removed, and equal to counting
UserDay, UserWeek and DailyMetric directly."""

import importlib
import random
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Count, Min, Sum

from accounts.models import User
from analytics import selectors, services
from analytics.models import (
    ActivityEvent,
    CohortWeek,
    DailyKindTotal,
    DailyMetric,
    FirstActive,
    UserDay,
    UserWeek,
)

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


def joined(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=UTC)


def first_active() -> dict[object, tuple[date, date, date]]:
    return {
        row.user_id: (row.day, row.cohort_week, row.joined_day) for row in FirstActive.objects.all()
    }


def cohort_weeks() -> dict[tuple[date, date, str], int]:
    return {(row.cohort_week, row.week, row.status): row.users for row in CohortWeek.objects.all()}


def counted_from_user_days() -> dict[object, tuple[date, date, date]]:
    """What FirstActive must hold: the earliest UserDay of each person, from scratch."""
    joined_on = dict(User.objects.values_list("pk", "date_joined"))
    return {
        row["user"]: (
            row["first"],
            row["cohort_week"],
            joined_on[row["user"]].astimezone(UTC).date(),
        )
        for row in UserDay.objects.values("user", "cohort_week").annotate(first=Min("day"))
    }


def counted_from_user_weeks() -> dict[tuple[date, date, str], int]:
    return {
        (row["cohort_week"], row["week"], row["status"]): row["n"]
        for row in UserWeek.objects.values("cohort_week", "week", "status").annotate(
            n=Count("user")
        )
    }


def kind_totals() -> dict[tuple[date, str], tuple[int, int, object]]:
    return {
        (row.day, row.kind): (row.events, row.valued, row.value_sum)
        for row in DailyKindTotal.objects.all()
    }


def summed_from_daily_metrics() -> dict[tuple[date, str], tuple[int, int, object]]:
    return {
        (row["day"], row["kind"]): (row["e"], row["v"], row["s"])
        for row in DailyMetric.objects.values("day", "kind").annotate(
            e=Sum("events"), v=Sum("valued"), s=Sum("value_sum")
        )
    }


def activation_rows(last: date) -> dict[str, list[object]]:
    chart = selectors.activation(selectors.Scope(MONDAY, last))
    return {row[0]: row[1:] for row in chart["rows"]}


def test_a_day_rolled_up_out_of_order_moves_the_first_day_back(user_factory, act) -> None:  # type: ignore[no-untyped-def]
    ana = user_factory(email="ana@example.com", date_joined=joined(MONDAY))
    act(ana, "2026-03-05")
    act(ana, "2026-03-12")
    services.roll_up_day(date(2026, 3, 12))
    assert first_active()[ana.pk] == (date(2026, 3, 12), MONDAY, MONDAY)
    assert activation_rows(date(2026, 3, 15))["2026-03-02"] == [1, 0, 0.0]
    services.roll_up_day(date(2026, 3, 5))  # the earlier day, backfilled late
    assert first_active()[ana.pk] == (date(2026, 3, 5), MONDAY, MONDAY)
    assert activation_rows(date(2026, 3, 15))["2026-03-02"] == [1, 1, 100.0]
    services.roll_up_day(date(2026, 3, 12))  # a later day again: the first day stays
    assert first_active()[ana.pk] == (date(2026, 3, 5), MONDAY, MONDAY)


def test_a_person_first_active_on_their_eighth_day_is_not_activated(user_factory, act) -> None:  # type: ignore[no-untyped-def]
    # Both join on Wednesday the 4th late in the (UTC) day: the 7 days are the 4th to the 10th.
    wednesday_night = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)
    seventh = user_factory(email="seventh@example.com", date_joined=wednesday_night)
    eighth = user_factory(email="eighth@example.com", date_joined=wednesday_night)
    act(seventh, "2026-03-10")
    act(eighth, "2026-03-11")
    act(eighth, "2026-03-12")
    services.roll_up_range(date(2026, 3, 2), date(2026, 3, 12))
    assert first_active()[seventh.pk][0] == date(2026, 3, 10)
    assert first_active()[eighth.pk][0] == date(2026, 3, 11)
    assert activation_rows(date(2026, 3, 15))["2026-03-02"] == [2, 1, 50.0]


def test_a_day_rolled_up_again_without_the_persons_activity_recomputes_their_first_day(  # type: ignore[no-untyped-def]
    user_factory, act
) -> None:
    ana = user_factory(email="ana@example.com", date_joined=joined(MONDAY))
    ben = user_factory(email="ben@example.com", date_joined=joined(MONDAY))
    act(ana, "2026-03-03")
    act(ana, "2026-03-13")
    act(ben, "2026-03-03")
    services.roll_up_range(date(2026, 3, 2), date(2026, 3, 13))
    assert first_active()[ana.pk][0] == date(2026, 3, 3)
    # Their events of the 3rd are gone (as when a user row is deleted: the events cascade).
    ActivityEvent.objects.filter(day=date(2026, 3, 3)).delete()
    services.roll_up_day(date(2026, 3, 3))
    assert first_active() == counted_from_user_days()
    assert first_active()[ana.pk][0] == date(2026, 3, 13)
    assert ben.pk not in first_active()  # no active day left
    assert activation_rows(date(2026, 3, 15))["2026-03-02"] == [2, 0, 0.0]


def test_both_tables_equal_a_direct_count_whatever_the_order_of_the_days(  # type: ignore[no-untyped-def]
    user_factory, act
) -> None:
    """Irregular activity over five weeks, days rolled up in a shuffled order and then some
    of them again: FirstActive and CohortWeek equal counting UserDay and UserWeek, the
    charts equal the same charts after a plain backfill, and rolling up again (or running
    the backfill command) changes nothing."""
    rng = random.Random(19)
    days = [MONDAY + timedelta(days=n) for n in range(35)]
    people = [
        user_factory(email=f"p{n}@example.com", date_joined=joined(rng.choice(days[:21])))
        for n in range(12)
    ]
    for person in people:
        for day in rng.sample(days, rng.randint(0, 6)):
            kind = rng.choice(
                ["ai.feature_used", "accounts.signed_in", "learning.exercise_attempted"]
            )
            extra = {"score": rng.choice([0, 0.5, 1])} if kind.startswith("learning.") else {}
            act(person, day.isoformat(), kind=kind, **extra)
    order = days[:]
    rng.shuffle(order)
    for day in order:
        services.roll_up_day(day)
    for day in rng.sample(days, 5):
        services.roll_up_day(day)
    assert first_active() == counted_from_user_days()
    assert cohort_weeks() == counted_from_user_weeks()
    assert kind_totals() == summed_from_daily_metrics()
    scope = selectors.Scope(MONDAY, days[-1])
    charts = (
        selectors.activation(scope),
        selectors.retention(scope),
        selectors.lifecycle(scope),
    )
    services.roll_up_range(days[0], days[-1])  # in order: the same rows, the same answers
    assert first_active() == counted_from_user_days()
    assert cohort_weeks() == counted_from_user_weeks()
    assert (
        selectors.activation(scope),
        selectors.retention(scope),
        selectors.lifecycle(scope),
    ) == charts
    before = (first_active(), cohort_weeks(), kind_totals())
    services.roll_up_range(days[0], days[-1])
    assert (first_active(), cohort_weeks(), kind_totals()) == before


def test_a_deleted_account_keeps_its_counts_and_a_deleted_user_row_leaves_them(  # type: ignore[no-untyped-def]
    user_factory, act
) -> None:
    from accounts.services import delete_account

    ana = user_factory(email="ana@example.com", date_joined=joined(MONDAY))
    ben = user_factory(email="ben@example.com", date_joined=joined(MONDAY))
    cai = user_factory(email="cai@example.com", date_joined=joined(MONDAY))
    for person in (ana, ben, cai):
        # AI use: counted as active, earns no XP (XP entries are append-only and would
        # refuse the user row's deletion).
        act(person, "2026-03-03", kind="ai.feature_used")
        act(person, "2026-03-10", kind="ai.feature_used")
    services.roll_up_range(date(2026, 3, 2), date(2026, 3, 10))
    scope = selectors.Scope(MONDAY, date(2026, 3, 15))
    assert cohort_weeks()[(MONDAY, date(2026, 3, 9), "returning")] == 3

    # Deleted by its owner: the anonymised user row stays, so do its activity and counts.
    delete_account(ana)
    assert activation_rows(date(2026, 3, 15))["2026-03-02"] == [3, 3, 100.0]
    assert selectors.cohort_table(scope)["rows"][0]["cells"][:2] == [100.0, 100.0]

    # A user row removed (an operator's hard delete): its UserDay, UserWeek and FirstActive
    # rows cascade, and the cohort is recounted, as counting UserWeek directly would show.
    User.objects.get(pk=ben.pk).delete()
    assert ben.pk not in first_active()
    assert cohort_weeks() == counted_from_user_weeks()
    assert cohort_weeks()[(MONDAY, date(2026, 3, 9), "returning")] == 2
    assert activation_rows(date(2026, 3, 15))["2026-03-02"] == [2, 2, 100.0]
    lifecycle = {row[0]: row[1:] for row in selectors.lifecycle(scope)["rows"]}
    assert lifecycle["2026-03-09"] == [0, 2, 0, 0]


def test_the_migration_fills_the_tables_from_the_rollups_already_written(  # type: ignore[no-untyped-def]
    user_factory, act
) -> None:
    ana = user_factory(email="ana@example.com", date_joined=joined(MONDAY))
    ben = user_factory(email="ben@example.com", date_joined=joined(MONDAY + timedelta(days=8)))
    act(ana, "2026-03-04")
    act(ana, "2026-03-12")
    act(ben, "2026-03-17", score=0.5)
    act(ben, "2026-03-17", kind="tutoring.review_left", rating=4)
    services.roll_up_range(date(2026, 3, 2), date(2026, 3, 17))
    written = (first_active(), cohort_weeks(), kind_totals())
    assert all(written)
    FirstActive.objects.all().delete()
    CohortWeek.objects.all().delete()
    DailyKindTotal.objects.all().delete()
    migration = importlib.import_module("analytics.migrations.0011_fill_new_rollup_tables")
    migration.fill(apps, SimpleNamespace(connection=connection))
    assert (first_active(), cohort_weeks(), kind_totals()) == written
