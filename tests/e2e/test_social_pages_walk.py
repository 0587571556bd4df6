"""The social pages beside the feed, in a real browser at desktop and phone size: a learner
edits her moment within the edit window, filters Discover by language and level, saves a
moment and finds it in "Saved moments", reads a follower list (and meets a private one),
deletes and reports comments on her moment, and picks interests with suggestions that
follow what she types. axe and no sideways scroll on every page, with screenshots."""

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 900}


def signed_in(browser: Any, live_server: Any, user: Any, viewport: dict[str, int]) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context.new_page()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_edit_discover_save_connections_comments_and_interests(
    viewport: dict[str, int],
    browser: Any,
    live_server: Any,
    role_user: Any,
    axe: Any,
    no_sideways_scroll: Any,
    screenshot: Any,
) -> None:
    from accounts.models import LearningLanguage
    from accounts.roles import Role
    from social import services
    from social.models import Comment, Moment, Report

    ana = role_user(Role.STUDENT, email="ana@example.com", first_name="Ana", last_name="López")
    sam = role_user(Role.STUDENT, email="sam@example.com", first_name="Sam", last_name="Smith")
    lena = role_user(Role.STUDENT, email="lena@example.com", first_name="Lena", last_name="Meyer")
    for person, native, level in ((ana, "en", "A2"), (sam, "de", "B2"), (lena, "fr", "A2")):
        person.profile.native_language = native
        person.profile.save()
        LearningLanguage.objects.create(profile=person.profile, language="es", level=level)
    services.follow(sam, ana.pk)
    services.follow(lena, ana.pk)
    services.set_interests(sam, ["travel", "photography"])
    services.set_interests(lena, ["travel", "cooking"])
    mine = services.post_moment(ana, text="Ayer fui al mercado", language="es", topics=["food"])
    services.post_moment(sam, text="Leo el periódico cada día", language="es", topics=["news"])
    services.post_moment(lena, text="Me gusta viajar en tren", language="es", topics=["travel"])
    spam = services.comment(lena, mine.pk, text="Compra seguidores en mi perfil")
    services.comment(sam, mine.pk, text="¡Muy bien, Ana!")

    page = signed_in(browser, live_server, ana, viewport)

    # Edit within the window.
    page.goto(f"{live_server.url}/social/moments/{mine.pk}/")
    page.get_by_test_id("edit-moment").click()
    expect(page.get_by_role("heading", name="Edit your moment")).to_be_visible()
    no_sideways_scroll(page)
    axe(page)
    screenshot("edit", page=page)
    page.get_by_label("Your moment").fill("Ayer fui al mercado con mi madre")
    page.get_by_label("Who can see it").select_option("followers")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your moment is updated.")).to_be_visible()
    expect(page.get_by_text("Ayer fui al mercado con mi madre")).to_be_visible()
    assert Moment.objects.get(pk=mine.pk).visibility == "followers"

    # Comments: Ana reports Lena's spam, then deletes it; Sam's stays.
    spam_card = page.get_by_test_id("comment").filter(has_text="Compra seguidores")
    spam_card.get_by_test_id("report-comment").locator("summary").click()
    spam_card.get_by_label("What is wrong?").select_option("spam")
    spam_card.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("A moderator will look at it")).to_be_visible()
    assert Report.objects.filter(comment=spam, reporter=ana).exists()
    no_sideways_scroll(page)
    axe(page)
    screenshot("comments", page=page)
    page.get_by_test_id("comment").filter(has_text="Compra seguidores").get_by_role(
        "button", name="Delete this comment"
    ).click()
    expect(page.get_by_text("The comment is deleted.")).to_be_visible()
    expect(page.get_by_text("Compra seguidores")).to_have_count(0)
    expect(page.get_by_text("¡Muy bien, Ana!")).to_be_visible()
    assert not Comment.objects.filter(pk=spam.pk).exists()

    # Discover, filtered by level: A2 shows Lena's moment, not Sam's (B2).
    page.goto(f"{live_server.url}/social/discover/")
    expect(page.get_by_text("Leo el periódico cada día")).to_be_visible()
    filters = page.get_by_test_id("discover-filters")
    filters.get_by_label("Language").select_option("es")
    filters.get_by_label("Level of the author").select_option("A2")
    filters.get_by_role("button", name="Show").click()
    expect(page.get_by_text("Me gusta viajar en tren")).to_be_visible()
    expect(page.get_by_text("Leo el periódico cada día")).to_have_count(0)
    no_sideways_scroll(page)
    axe(page)
    screenshot("discover-filtered", page=page)

    # Save Lena's moment, find it in "Saved moments".
    page.get_by_test_id("moment").filter(has_text="Me gusta viajar").get_by_test_id(
        "bookmark"
    ).click()
    expect(page.get_by_text("Saved to your bookmarks.")).to_be_visible()
    page.goto(f"{live_server.url}/social/bookmarks/")
    expect(page.get_by_text("Me gusta viajar en tren")).to_be_visible()
    no_sideways_scroll(page)
    axe(page)
    screenshot("bookmarks", page=page)

    # Her followers, from her profile; then a private list.
    page.goto(f"{live_server.url}/social/people/{ana.pk}/")
    page.get_by_role("link", name="2 followers").click()
    expect(page.get_by_role("heading", name="Followers of Ana López")).to_be_visible()
    expect(page.get_by_text("Sam Smith")).to_be_visible()
    no_sideways_scroll(page)
    axe(page)
    screenshot("followers", page=page)
    services.set_connections_visibility(sam, "only_me")
    page.goto(f"{live_server.url}/social/people/{sam.pk}/following/")
    expect(page.get_by_test_id("connections-private")).to_be_visible()
    screenshot("private-list", page=page)

    # Interests: suggestions follow what she types; a suggestion pressed joins the field.
    page.goto(f"{live_server.url}/social/")
    page.get_by_test_id("interests-nudge").get_by_role("link").click()
    expect(page.get_by_role("heading", name="What do you like to talk about?")).to_be_visible()
    field = page.get_by_label("Your interests")
    # The heading shows before the page's module script runs; type once it listens.
    expect(page.locator("form[data-interests][data-ready='true']")).to_be_attached()
    field.fill("tra")
    suggestions = page.get_by_test_id("interest-suggestions")
    expect(suggestions.get_by_role("button")).to_have_count(1)
    suggestions.get_by_role("button", name="#travel").click()
    expect(field).to_have_value("travel ")
    expect(suggestions.get_by_role("button", name="#photography")).to_be_visible()
    no_sideways_scroll(page)
    axe(page)
    screenshot("interests-typing", page=page)
    page.get_by_role("button", name="Save my interests").click()
    expect(page.get_by_text("Your interests are saved.")).to_be_visible()
    expect(page.get_by_test_id("people")).to_contain_text("Sam Smith")
    screenshot("interests-saved", page=page)
    from social.interests import interests_of

    assert interests_of(ana) == ["travel"]


def test_a_moderator_lifts_a_limit_from_the_limited_authors_screen(
    browser: Any,
    live_server: Any,
    role_user: Any,
    axe: Any,
    screenshot: Any,
    staff_sign_in: Any,
) -> None:
    from accounts.roles import Role
    from social import services
    from social.models import ModerationAction, SocialProfile

    ana = role_user(Role.STUDENT, email="ana@example.com", first_name="Ana", last_name="López")
    sam = role_user(Role.STUDENT, email="sam@example.com", first_name="Sam", last_name="Smith")
    from social.moderation import make_senior

    moderator = role_user(Role.MODERATOR, email="mo@example.com", first_name="Mo")
    make_senior(moderator)  # lifting a limit is a senior moderator's
    report = services.report(sam, target="profile", target_id=str(ana.pk), category="spam")
    services.decide_report(report, moderator=moderator, kind="limit", reason="Selling followers")

    page = browser.new_context(viewport=DESKTOP).new_page()
    staff_sign_in(page, live_server.url + "/admin/moderation/social-limited/", moderator)
    row = page.get_by_test_id(f"limited-{ana.pk}")
    expect(row).to_contain_text("ana@example.com")
    expect(row).to_contain_text("Selling followers")
    axe(page)
    screenshot("limited-authors", page=page)
    row.get_by_label("Why the limit is lifted").fill("She explained: a misunderstanding")
    row.get_by_role("button", name="Lift the limit").click()
    expect(page.get_by_text("The limit is lifted.")).to_be_visible()
    expect(page.get_by_text("Nobody is limited.")).to_be_visible()
    screenshot("limit-lifted", page=page)
    assert SocialProfile.objects.get(user=ana).limited_at is None
    assert ModerationAction.objects.filter(subject=ana, kind="unlimit").exists()
