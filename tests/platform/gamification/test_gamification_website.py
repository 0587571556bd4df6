"""The website side: the achievements page, its settings form, the header chip's cached
read, the export and erasure of a learner's data, the demo data, and the admin menu."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from gamification import demo, personal_data
from gamification.models import BadgeAward, LeagueMember, Player, StreakDay, XPEntry

pytestmark = pytest.mark.django_db


def test_the_page_shows_progress_and_saves_settings(
    learner: Any, lesson_done: Any, client: Client
) -> None:
    lesson_done(learner, 1)
    client.force_login(learner)
    page = client.get("/achievements/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "First steps" in html and "Bronze league" in html and "data-xp-chip" in html
    saved = client.post("/achievements/settings/", {"daily_goal": "30", "rest_days": ["1", "5"]})
    assert saved.status_code == 302
    player = Player.objects.get(pk=learner.pk)
    assert (player.daily_goal, player.rest_days) == (30, [1, 5])
    refused = client.post(
        "/achievements/settings/", {"daily_goal": "30", "rest_days": ["1", "2", "3"]}
    )
    assert refused.status_code == 200
    assert "Choose at most two rest days." in refused.content.decode()


def test_the_header_chip_is_one_cached_read(
    no_quests: None, learner: Any, lesson_done: Any, client: Client, django_assert_num_queries: Any
) -> None:
    from django.template import Context, Template

    lesson_done(learner, 1)
    template = Template("{% include 'gamification/chip_slot.html' %}")
    with django_assert_num_queries(1):
        first = template.render(Context({"user": learner}))
    with django_assert_num_queries(0):
        again = template.render(Context({"user": learner}))
    assert first == again and 'data-xp="25"' in first
    lesson_done(learner, 2)  # an award clears the cache
    assert 'data-xp="45"' in template.render(Context({"user": learner}))


@pytest.mark.usefixtures("no_quests")  # quests are drawn per day and would vary the XP
def test_export_and_erasure_cover_everything(learner: Any, lesson_done: Any, review: Any) -> None:
    lesson_done(learner, 1)
    review(learner, 3)
    data = personal_data.export_personal_data(learner)
    assert data["settings"]["xp"] == 27
    assert {row["reason"] for row in data["xp"]} == {"lesson", "goal", "review"}
    assert data["badges"][0]["badge"] == "first-lesson" and len(data["leagues"]) == 1
    league = LeagueMember.objects.get(user=learner).league
    personal_data.erase_personal_data(learner)
    for model in (XPEntry, StreakDay, BadgeAward, LeagueMember):
        assert not model.objects.filter(user=learner).exists()
    assert not Player.objects.filter(pk=learner.pk).exists()
    league.refresh_from_db()
    assert league.size == 0


def test_the_demo_learner_has_a_streak_badges_and_a_league_of_thirty() -> None:
    from accounts.demo import ensure_demo_users

    ensure_demo_users()
    for step in demo.DEMO_STEPS:
        step()
    for step in demo.DEMO_STEPS:  # idempotent
        step()
    player = Player.objects.get(user__email=demo.LEARNER)
    assert player.streak == 12 and player.xp > 0
    member = LeagueMember.objects.get(user=player.user)
    assert member.league.size == 30
    assert LeagueMember.objects.filter(league=member.league).count() == 30
    assert BadgeAward.objects.filter(user=player.user).count() == 2


def test_the_admin_groups_the_snippets_under_one_menu(admin: Any, client: Client) -> None:
    client.force_login(admin)
    for path in ["xprule", "level", "badge", "leaguetier", "questtemplate"]:
        response = client.get(f"/admin/snippets/gamification/{path}/")
        assert response.status_code == 200, path
