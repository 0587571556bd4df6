"""Weekly leagues: joined on the week's first XP, grouped by tier and last week's pace, capped
in size; at the end of the UTC week the top go up and the bottom go down, once; opt-out; the
leaderboard's ranking and zones with a pinned number of queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from gamification import services
from gamification.models import League, LeagueMember, LeagueTier, Player

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_quests")]

MONDAY = date(2026, 3, 2)


@pytest.fixture
def learners(user_factory: Any) -> list[Any]:
    return [user_factory() for _ in range(12)]


def earn(review: Any, clock: Any, user: Any, cards: int, start: int = 0) -> None:
    for card in range(start, start + cards):
        clock.now = clock.now + timedelta(seconds=1)
        review(user, card)


@override_settings(GAMIFICATION_LEAGUE_SIZE=10)
def test_leagues_fill_up_to_their_size_by_tier_and_pace(
    learners: list[Any], review: Any, clock: Any
) -> None:
    clock.set(datetime(2026, 3, 3, 9, tzinfo=ZoneInfo("UTC")))
    for user in learners:
        earn(review, clock, user, 1)
    leagues = list(League.objects.filter(week_start=MONDAY).order_by("id"))
    assert [league.size for league in leagues] == [10, 2]
    assert {league.tier.rank for league in leagues} == {1}
    assert LeagueMember.objects.filter(week_start=MONDAY).count() == 12


@override_settings(GAMIFICATION_LEAGUE_SIZE=10)
def test_the_week_ends_with_promotions_and_demotions_once(
    learners: list[Any], review: Any, clock: Any, player: Any
) -> None:
    silver = LeagueTier.objects.get(rank=2)
    LeagueTier.objects.filter(pk=silver.pk).update(promote_count=2, demote_count=2)
    Player.objects.bulk_create([Player(user=u, league_tier=silver) for u in learners[:10]])
    clock.set(datetime(2026, 3, 8, 20, tzinfo=ZoneInfo("UTC")))  # Sunday evening
    for position, user in enumerate(learners[:10]):
        earn(review, clock, user, 10 - position)  # the first earns most
    assert services.close_finished_weeks() == 0, "the week is not over"
    clock.set(datetime(2026, 3, 9, 0, 5, tzinfo=ZoneInfo("UTC")))
    assert services.close_finished_weeks() == 1
    assert services.close_finished_weeks() == 0, "closed once"
    ranks = dict(
        LeagueMember.objects.filter(week_start=MONDAY).values_list("user_id", "final_rank")
    )
    assert [ranks[u.pk] for u in learners[:10]] == list(range(1, 11))
    tiers = [player(u).league_tier.rank for u in learners[:10]]
    assert tiers == [3, 3, 2, 2, 2, 2, 2, 2, 1, 1]
    outcomes = list(
        LeagueMember.objects.filter(week_start=MONDAY)
        .order_by("final_rank")
        .values_list("outcome", flat=True)
    )
    assert outcomes[:2] == ["promoted", "promoted"] and outcomes[-2:] == ["demoted", "demoted"]

    # Everyone is told their rank and outcome (the task closing the week queues this).
    from notifications.models import Notification

    closed = list(League.objects.filter(week_start=MONDAY).values_list("pk", flat=True))
    assert services.notify_league_results(closed) == 10
    results = {
        n.recipient_id: n for n in Notification.objects.filter(type="gamification.league_result")
    }
    gold = LeagueTier.objects.get(rank=3).name
    assert results[learners[0].pk].body == (
        f"You finished #1 in the {silver.name} league and move up to {gold}."
    )
    assert results[learners[4].pk].data == {"league_id": closed[0], "rank": 5, "outcome": "stayed"}
    assert "move down" in results[learners[9].pk].body

    # Next week they join leagues of their new tier.
    earn(review, clock, learners[0], 1, start=100)
    member = LeagueMember.objects.get(user=learners[0], week_start=MONDAY + timedelta(days=7))
    assert member.league.tier.rank == 3


def test_a_week_is_one_utc_week_wherever_the_learner_lives(
    learner: Any, review: Any, clock: Any
) -> None:
    from accounts.models import Profile

    Profile.objects.update_or_create(user=learner, defaults={"time_zone": "Pacific/Kiritimati"})
    # Monday 09:00 in Kiritimati (UTC+14) is still Sunday in UTC: last week's league.
    clock.set(datetime(2026, 3, 9, 9, tzinfo=ZoneInfo("Pacific/Kiritimati")))
    review(learner, 1)
    assert LeagueMember.objects.get(user=learner).week_start == MONDAY


def test_opting_out_leaves_the_league_and_joins_none(
    learner: Any, review: Any, clock: Any, api_client: Any
) -> None:
    review(learner, 1)
    league = LeagueMember.objects.get(user=learner).league
    api_client.force_login(learner)
    response = api_client.patch("/api/v1/gamification/me/", {"league_opt_out": True}, format="json")
    assert response.status_code == 200
    assert response.json()["league"] is None
    assert not LeagueMember.objects.filter(user=learner).exists()
    league.refresh_from_db()
    assert league.size == 0
    clock.now = clock.now + timedelta(minutes=1)
    review(learner, 2)
    assert not LeagueMember.objects.filter(user=learner).exists()


def test_the_leaderboard_ranks_with_zones_in_pinned_queries(
    learners: list[Any], review: Any, clock: Any, api_client: Any, django_assert_num_queries: Any
) -> None:
    clock.set(datetime(2026, 3, 3, 9, tzinfo=ZoneInfo("UTC")))
    for position, user in enumerate(learners):
        earn(review, clock, user, len(learners) - position)
    me = learners[5]
    api_client.force_login(me)
    api_client.get("/api/v1/gamification/me/")  # warm the session
    # session, user, the learner's membership with league and tier, count, the page
    with django_assert_num_queries(5):
        response = api_client.get("/api/v1/gamification/leaderboard/")
    body = response.json()
    assert body["count"] == 12
    rows = body["results"]
    assert [row["rank"] for row in rows] == list(range(1, 13))
    # 2 XP a card, and 5 for the daily goal once 20 XP are reached
    assert [row["xp"] for row in rows] == [2 * n + 5 * (n >= 10) for n in range(12, 0, -1)]
    assert rows[5]["is_me"] and sum(row["is_me"] for row in rows) == 1
    assert [row["zone"] for row in rows[:8]] == ["promotion"] * 7 + [""]
    assert all(row["zone"] == "" for row in rows[7:]), "Bronze has no demotion zone"
    second = api_client.get("/api/v1/gamification/leaderboard/?page_size=5&page=2").json()
    assert [row["rank"] for row in second["results"]] == [6, 7, 8, 9, 10]

    friends = api_client.get("/api/v1/gamification/leaderboard/?board=friends").json()
    assert [row["is_me"] for row in friends["results"]] == [True]


def test_the_friends_board_uses_the_registered_sources(
    learners: list[Any], review: Any, clock: Any, api_client: Any
) -> None:
    from gamification import hooks

    for position, user in enumerate(learners[:3]):
        earn(review, clock, user, 3 - position)

    def source(user: Any) -> list[Any]:
        return [learners[0].pk, learners[2].pk]

    hooks.register_friend_source(source)
    try:
        api_client.force_login(learners[1])
        rows = api_client.get("/api/v1/gamification/leaderboard/?board=friends").json()["results"]
    finally:
        hooks.FRIEND_SOURCES.remove(source)
    assert [(row["rank"], row["is_me"]) for row in rows] == [(1, False), (2, True), (3, False)]
