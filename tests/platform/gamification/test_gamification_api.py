"""The gamification API: the learner's summary in pinned queries, settings with field errors,
badges and XP history paginated in pinned queries, nobody else's data, the schema."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_me_before_any_activity_has_the_defaults(learner: Any, api_client: Any) -> None:
    api_client.force_login(learner)
    me = api_client.get("/api/v1/gamification/me/").json()
    assert me["xp"] == 0 and me["level"]["number"] == 1 and me["level"]["next_xp"] == 100
    assert me["streak"]["current"] == 0 and me["daily_goal"] == 20
    assert me["league"] is None and me["badges"] == [] and me["quests"] == []


def test_me_summarises_everything_in_pinned_queries(
    learner: Any, lesson_done: Any, review: Any, api_client: Any, django_assert_num_queries: Any
) -> None:
    lesson_done(learner, 1)
    review(learner, 1)
    api_client.force_login(learner)
    api_client.get("/api/v1/gamification/me/")
    # session, user, player+tier, today's row, levels, league member, rank, badges, quests
    with django_assert_num_queries(9):
        me = api_client.get("/api/v1/gamification/me/").json()
    assert me["xp"] >= 27
    assert me["streak"]["current"] == 1 and me["streak"]["today_status"] == "met"
    assert [badge["slug"] for badge in me["badges"]] == ["first-lesson"]
    assert len(me["quests"]) == 3
    assert me["league"]["tier"] == "Bronze" and me["league"]["rank"] == 1


def test_settings_are_validated_with_field_errors(learner: Any, api_client: Any) -> None:
    api_client.force_login(learner)
    bad = api_client.patch(
        "/api/v1/gamification/me/",
        {"daily_goal": 1, "rest_days": [0, 1, 7]},
        format="json",
    )
    assert bad.status_code == 400
    fields = bad.json()["errors"] if "errors" in bad.json() else bad.json()
    assert "daily_goal" in str(fields) and "rest_days" in str(fields)
    good = api_client.patch(
        "/api/v1/gamification/me/", {"daily_goal": 30, "rest_days": [6]}, format="json"
    )
    assert good.status_code == 200
    assert (good.json()["daily_goal"], good.json()["rest_days"]) == (30, [6])


def test_badges_and_xp_history_are_paginated_in_pinned_queries(
    learner: Any, lesson_done: Any, api_client: Any, django_assert_num_queries: Any
) -> None:
    for lesson in range(3):
        lesson_done(learner, lesson)
    api_client.force_login(learner)
    api_client.get("/api/v1/gamification/me/")
    with django_assert_num_queries(4):  # session, user, count, page
        badges = api_client.get("/api/v1/gamification/badges/").json()
    assert badges["count"] == 8
    assert badges["results"][0]["slug"] == "first-lesson"
    assert badges["results"][0]["earned_at"] is not None
    assert badges["results"][1]["earned_at"] is None
    with django_assert_num_queries(4):
        history = api_client.get("/api/v1/gamification/xp/").json()
    assert {row["reason"] for row in history["results"]} >= {"lesson", "goal"}


def test_nobody_reads_another_learners_numbers(
    learner: Any, other_student: Any, lesson_done: Any, api_client: Any
) -> None:
    lesson_done(learner, 1)
    api_client.force_login(other_student)
    assert api_client.get("/api/v1/gamification/me/").json()["xp"] == 0
    assert api_client.get("/api/v1/gamification/xp/").json()["count"] == 0
    board = api_client.get("/api/v1/gamification/leaderboard/").json()
    assert board["count"] == 0, "not in the league: no board"
    api_client.logout()
    assert api_client.get("/api/v1/gamification/me/").status_code in (401, 403)


def test_every_endpoint_is_in_the_schema(api_client: Any) -> None:
    schema = api_client.get("/api/v1/schema/?format=json").json()
    for path in [
        "/api/v1/gamification/me/",
        "/api/v1/gamification/me/freezes/",
        "/api/v1/gamification/me/repair/",
        "/api/v1/gamification/leaderboard/",
        "/api/v1/gamification/badges/",
        "/api/v1/gamification/xp/",
    ]:
        assert path in schema["paths"], path
