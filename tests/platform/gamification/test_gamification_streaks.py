"""Streaks in the learner's zone: consecutive met days, a miss breaks them, a held freeze or a
rest day chosen in advance protects a day, DST days are one day, a zone change neither
counts a day twice nor loses one, the beat job closes days per zone; freezes bought with
credits (two at most) and a repair within the window."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from gamification import services
from gamification.models import DayStatus, Player, StreakDay


def set_zone(user: Any, zone: str) -> None:
    from accounts.models import Profile

    Profile.objects.update_or_create(user=user, defaults={"time_zone": zone})


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_quests")]


def statuses(user: Any) -> dict[date, str]:
    return dict(StreakDay.objects.filter(user=user).values_list("day", "status"))


def test_met_days_build_a_streak_and_a_missed_day_breaks_it(
    learner: Any, meet_goal: Any, player: Any, clock: Any
) -> None:
    for day in (2, 3, 4):
        clock.local("UTC", 2026, 3, day, 9)
        meet_goal(learner)
    assert player(learner).streak == 3
    clock.local("UTC", 2026, 3, 6, 9)  # the 5th is skipped
    meet_goal(learner)
    state = player(learner)
    assert (state.streak, state.best_streak, state.lost_streak) == (1, 3, 3)
    assert statuses(learner)[date(2026, 3, 5)] == DayStatus.MISSED


def test_xp_below_the_goal_does_not_count_the_day(
    learner: Any, review: Any, player: Any, clock: Any
) -> None:
    review(learner, 1)
    state = player(learner)
    assert (state.xp, state.streak) == (2, 0)
    assert statuses(learner)[clock.now.date()] == DayStatus.OPEN


def test_a_held_freeze_covers_a_missed_day(
    learner: Any, meet_goal: Any, player: Any, clock: Any
) -> None:
    clock.local("UTC", 2026, 3, 2, 9)
    meet_goal(learner)
    Player.objects.filter(pk=learner.pk).update(freezes=1)
    clock.local("UTC", 2026, 3, 4, 9)
    meet_goal(learner)
    state = player(learner)
    assert (state.streak, state.freezes) == (2, 0)
    assert statuses(learner)[date(2026, 3, 3)] == DayStatus.FROZEN


def test_a_seventh_day_earns_a_freeze_up_to_two(
    learner: Any, meet_goal: Any, player: Any, clock: Any
) -> None:
    for day in range(1, 22):
        clock.local("UTC", 2026, 3, day, 9)
        meet_goal(learner)
    state = player(learner)
    assert (state.streak, state.freezes) == (21, 2)


def test_rest_days_chosen_in_advance_protect_and_chosen_after_do_not(
    learner: Any, meet_goal: Any, player: Any, clock: Any
) -> None:
    clock.local("UTC", 2026, 3, 2, 9)  # a Monday
    meet_goal(learner)
    services.update_settings(learner, rest_days=[1])  # Tuesdays, from tomorrow
    clock.local("UTC", 2026, 3, 4, 9)
    meet_goal(learner)
    assert player(learner).streak == 2
    assert statuses(learner)[date(2026, 3, 3)] == DayStatus.REST

    # Thursday the 5th is missed; choosing Thursdays as rest on Friday is too late.
    clock.local("UTC", 2026, 3, 6, 9)
    services.update_settings(learner, rest_days=[1, 3])
    assert player(learner).streak == 0
    assert statuses(learner)[date(2026, 3, 5)] == DayStatus.MISSED


def test_days_across_both_dst_changes_are_local_days(
    learner: Any, meet_goal: Any, player: Any, clock: Any
) -> None:
    set_zone(learner, "America/New_York")
    # 2026-03-08 has 23 hours in New York, 2026-11-01 has 25.
    for args in [(2026, 3, 7, 23, 30), (2026, 3, 8, 23, 30), (2026, 3, 9, 0, 30)]:
        clock.local("America/New_York", *args)
        meet_goal(learner)
    assert player(learner).streak == 3
    assert set(statuses(learner)) == {date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)}

    set_zone(learner, "Europe/London")
    clock.local("Europe/London", 2026, 10, 24, 23, 59)
    meet_goal(learner)
    # 00:30 and 23:59 on the 25-hour 25 October: one day, the next one begins after.
    clock.local("Europe/London", 2026, 10, 25, 0, 30)
    meet_goal(learner)
    clock.local("Europe/London", 2026, 10, 25, 23, 59)
    meet_goal(learner)
    clock.local("Europe/London", 2026, 10, 26, 0, 1)
    meet_goal(learner)
    assert player(learner).streak == 3
    assert statuses(learner)[date(2026, 10, 25)] == DayStatus.MET
    assert StreakDay.objects.get(user=learner, day=date(2026, 10, 25)).xp == 45


def test_moving_west_never_counts_a_day_twice(
    learner: Any, meet_goal: Any, player: Any, clock: Any
) -> None:
    set_zone(learner, "Asia/Tokyo")
    clock.local("Asia/Tokyo", 2026, 3, 3, 20)
    meet_goal(learner)
    clock.local("Asia/Tokyo", 2026, 3, 4, 8)
    meet_goal(learner)
    set_zone(learner, "America/Los_Angeles")
    clock.local("America/Los_Angeles", 2026, 3, 3, 16)  # the 3rd again, by the calendar
    meet_goal(learner)
    state = player(learner)
    assert state.streak == 2, "the 3rd was met already; the day goes on as the 4th"
    assert StreakDay.objects.get(user=learner, day=date(2026, 3, 4)).xp == 45
    clock.local("America/Los_Angeles", 2026, 3, 5, 10)
    meet_goal(learner)
    assert player(learner).streak == 3


def test_moving_east_protects_the_date_skipped_over(
    learner: Any, meet_goal: Any, player: Any, clock: Any
) -> None:
    set_zone(learner, "America/Los_Angeles")
    clock.local("America/Los_Angeles", 2026, 3, 3, 10)
    meet_goal(learner)
    set_zone(learner, "Asia/Tokyo")
    clock.local("America/Los_Angeles", 2026, 3, 4, 17)  # 10:00 on the 5th in Tokyo
    meet_goal(learner)
    assert player(learner).streak == 2
    assert statuses(learner)[date(2026, 3, 4)] == DayStatus.TRAVEL


def test_the_beat_job_closes_days_in_each_learners_zone(
    learner: Any, other_student: Any, meet_goal: Any, player: Any, clock: Any
) -> None:
    set_zone(learner, "Asia/Kolkata")
    set_zone(other_student, "America/New_York")
    clock.local("Asia/Kolkata", 2026, 3, 2, 10)
    meet_goal(learner)
    meet_goal(other_student)  # 23:30 on the 1st in New York
    clock.local("Asia/Kolkata", 2026, 3, 3, 23, 30)
    services.close_days_everywhere()
    assert player(learner).streak == 1, "the 3rd is not over in Kolkata"
    clock.local("Asia/Kolkata", 2026, 3, 4, 0, 30)
    assert services.close_days_everywhere() == 1
    assert player(learner).streak == 0
    assert statuses(learner)[date(2026, 3, 3)] == DayStatus.MISSED
    # New York's 2nd closed (missed), its 3rd is still going.
    assert player(other_student).closed_through == date(2026, 3, 2)
    assert player(other_student).streak == 0


def test_freezes_are_bought_with_credits_and_two_at_most(
    learner: Any, api_client: Any, player: Any
) -> None:
    from credits.models import AccountKind
    from credits.services import grant_credits, user_account

    grant_credits(learner, Decimal("25"), idempotency_key="test-freezes")
    api_client.force_login(learner)
    first = api_client.post("/api/v1/gamification/me/freezes/", HTTP_IDEMPOTENCY_KEY="a")
    assert first.status_code == 201, first.json()
    assert first.json()["freezes"] == 1
    replay = api_client.post("/api/v1/gamification/me/freezes/", HTTP_IDEMPOTENCY_KEY="a")
    assert replay.status_code == 201
    assert api_client.post("/api/v1/gamification/me/freezes/").status_code == 201
    third = api_client.post("/api/v1/gamification/me/freezes/")
    assert third.status_code == 409
    assert third.json()["code"] == "freeze_limit"
    assert player(learner).freezes == 2
    assert user_account(learner, AccountKind.WALLET).balance == Decimal("5.00")


def test_freezes_need_credits(learner: Any, api_client: Any, player: Any) -> None:
    api_client.force_login(learner)
    response = api_client.post("/api/v1/gamification/me/freezes/")
    assert response.status_code == 402
    assert not Player.objects.filter(pk=learner.pk, freezes__gt=0).exists()


def test_a_lost_streak_can_be_repaired_within_the_window(
    learner: Any, meet_goal: Any, player: Any, clock: Any
) -> None:
    from credits.services import grant_credits

    grant_credits(learner, Decimal("40"), idempotency_key="test-repair")
    for day in (2, 3, 4):
        clock.local("UTC", 2026, 3, day, 9)
        meet_goal(learner)
    clock.local("UTC", 2026, 3, 6, 9)
    meet_goal(learner)
    assert player(learner).streak == 1
    services.repair_streak(learner, "r1")
    assert player(learner).streak == 4
    assert statuses(learner)[date(2026, 3, 5)] == DayStatus.REPAIRED

    clock.local("UTC", 2026, 3, 10, 9)  # the 7th, 8th, 9th missed: too late after two days
    meet_goal(learner)
    with pytest.raises(services.NothingToRepair):
        services.repair_streak(learner, "r2")
