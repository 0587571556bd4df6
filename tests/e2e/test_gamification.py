"""Gamification in the browser: completing a lesson pays XP and lights the header's streak
chip; the achievements page (streak calendar, level, quests, league with zones, badges,
settings) at desktop and phone sizes, axe clean, no sideways scroll."""

import pytest
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def sign_in(page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_completing_a_lesson_updates_the_streak_chip(
    page, live_server, demo_site, user_factory, screenshot, axe
) -> None:  # type: ignore[no-untyped-def]
    from cms.learning.demo import every_exercise_body
    from cms.learning.models import LessonPage
    from gamification.models import QuestTemplate

    QuestTemplate.objects.update(active=False)  # a quest's reward would vary the total

    parent = LessonPage.objects.get(title="Hello and goodbye", locale__language_code="en")
    lesson = LessonPage(
        title="Quick hello", description="One question", body=every_exercise_body()[:2]
    )
    parent.get_parent().add_child(instance=lesson)
    lesson.save_revision().publish()
    learner = user_factory(first_name="Nia")
    sign_in(page, live_server, learner)
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(live_server.url + lesson.get_url())
    chip = page.locator("[data-xp-chip]")
    expect(chip.locator("[data-streak]")).to_have_attribute("data-streak", "0")
    expect(chip.locator("[data-xp]")).to_have_attribute("data-xp", "0")

    expect(page.locator("article.lesson[data-ready=true]")).to_be_attached()
    mc = page.locator("section[data-exercise-type=multiple_choice]")
    mc.get_by_label("Hi", exact=True).check()
    mc.get_by_role("button", name="Check").click()
    expect(mc.locator(".exercise-result")).to_contain_text("Correct!")
    page.get_by_role("button", name="Finish lesson").click()
    expect(page.locator(".finish-result")).to_contain_text("Lesson completed!")

    page.reload()
    expect(chip.locator("[data-streak]")).to_have_attribute("data-streak", "1")
    expect(chip.locator("[data-xp]")).to_have_attribute("data-xp", "35")  # 10 + 20 + 5 goal
    screenshot("chip-after-lesson")
    chip.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Achievements")
    expect(page.locator("[data-xp-total]")).to_have_text("35")
    expect(page.get_by_role("heading", name="First steps")).to_be_visible()
    axe(page)


@pytest.mark.parametrize("size", [(1280, 900), (390, 844), (360, 640)])
def test_the_achievements_page_on_desktop_and_phones(
    page, live_server, demo_site, screenshot, axe, no_sideways_scroll, size
) -> None:  # type: ignore[no-untyped-def]
    from accounts.models import User

    sign_in(page, live_server, User.objects.get(email="student@toto.localhost"))
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(live_server.url + "/achievements/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Achievements")
    from gamification.models import Player

    # The demo's 12 days, plus today when other apps' demo steps (the vocabulary reviews) have
    # already met today's goal through the activity bus.
    streak = Player.objects.get(user__email="student@toto.localhost").streak
    assert streak in (12, 13), streak
    expect(page.locator("[data-streak-value]")).to_contain_text(f"{streak} days")
    expect(page.locator(".streak-day-met")).to_have_count(streak)
    rows = page.locator(".league-table tbody tr")
    expect(rows).to_have_count(30)
    expect(page.locator(".league-table .badge-success")).to_have_count(7)
    expect(page.locator(".league-me")).to_have_count(1)
    axe(page)
    no_sideways_scroll(page)
    screenshot(f"achievements-{size[0]}")
    # The friends' board: the demo student follows only teachers and staff (social's demo),
    # who are in no league, so the board offers to find people to follow.
    friends = page.locator("#friends")
    expect(friends.get_by_role("link", name="Find people to follow")).to_be_visible()
    friends.scroll_into_view_if_needed()
    screenshot(f"friends-{size[0]}")

    if size[0] == 1280:
        page.get_by_label("Tuesday").check()
        page.get_by_role("combobox", name="Daily goal").select_option("30")
        page.get_by_role("button", name="Save settings").click()
        expect(page.get_by_text("Your settings are saved.")).to_be_visible()
        expect(page.get_by_label("Tuesday")).to_be_checked()
        expect(page.locator("#goal-progress")).to_be_attached()


@pytest.mark.parametrize("size", [(1280, 900), (360, 640)])
def test_sharing_a_badge_as_a_moment_with_its_card(
    page, live_server, user_factory, screenshot, axe, no_sideways_scroll, size
) -> None:  # type: ignore[no-untyped-def]
    from accounts.models import Profile
    from gamification.models import Badge, BadgeAward
    from social.models import Moment

    learner = user_factory(first_name="Nia", last_name="Okafor")
    Profile.objects.update_or_create(user=learner, defaults={"time_zone": "Europe/Lisbon"})
    badge = Badge.objects.get(slug="first-lesson")
    BadgeAward.objects.create(user=learner, badge=badge)
    sign_in(page, live_server, learner)
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(live_server.url + "/achievements/")
    page.locator("#badges").get_by_role("link", name="Card and sharing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(badge.name)
    card = page.locator("img.badge-card-image")
    expect(card).to_be_visible()
    size_loaded = "img => img.decode().then(() => [img.naturalWidth, img.naturalHeight])"
    assert card.evaluate(size_loaded) == [1200, 630]  # the PNG the card URL served
    text = page.get_by_label("Text")
    expect(text).to_have_value(f"I earned the “{badge.name}” badge on Toto: {badge.description}")
    axe(page)
    no_sideways_scroll(page)
    screenshot(f"badge-page-{size[0]}")

    text.fill("My first lesson on Toto! On to the next one.")
    page.get_by_label("Who can see it").select_option("public")
    page.get_by_role("button", name="Share as a moment").click()
    moment = Moment.objects.get(author=learner)
    expect(page).to_have_url(f"{live_server.url}/social/moments/{moment.pk}/")
    expect(page.get_by_text("Your badge is shared as a moment.")).to_be_visible()
    expect(page.get_by_text("My first lesson on Toto! On to the next one.")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(f"shared-moment-{size[0]}")

    page.goto(live_server.url + f"/achievements/badges/{badge.slug}/")
    expect(page.get_by_role("link", name="See your moment")).to_be_visible()
    public = f"/achievements/people/{learner.pk}/badges/{badge.slug}/"
    page.context.clear_cookies()  # the public page, as anyone sees it
    page.goto(live_server.url + public)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nia Okafor earned")
    og_image = page.locator('meta[property="og:image"]').get_attribute("content")
    assert og_image == f"{live_server.url}{public}card.png"
    axe(page)
    no_sideways_scroll(page)
    screenshot(f"public-badge-{size[0]}")
