"""Mentions and "correct me" in a real browser: Ana posts a "correct me" moment that
@mentions Sam, Sam (told by a notification) suggests a correction, Ana sees it as a diff and
accepts it. Desktop and 390x844, axe and no sideways scroll on each page, screenshots."""

from typing import Any

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_mention_correct_me_and_accept(
    viewport: dict[str, int],
    browser: Any,
    live_server: Any,
    role_user: Any,
    axe: Any,
    no_sideways_scroll: Any,
    screenshot: Any,
    signed_in_page: Any,
) -> None:
    from accounts.models import LearningLanguage
    from accounts.roles import Role
    from notifications.models import Notification
    from social import services
    from social.models import Moment

    ana = role_user(Role.STUDENT, email="ana@example.com", first_name="Ana", last_name="López")
    sam = role_user(Role.STUDENT, email="sam@example.com", first_name="Sam", last_name="Smith")
    LearningLanguage.objects.create(profile=ana.profile, language="es", level="A2")
    services.follow(sam, ana.pk)

    page = signed_in(signed_in_page, browser, live_server, ana, viewport)
    page.goto(live_server.url + "/social/")
    page.get_by_label("What did you learn or practise?").fill("Ayer yo soy muy cansado, @Sam")
    page.get_by_label("Correct me: others may suggest corrections").check()
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your moment is posted.")).to_be_visible()
    moment = Moment.objects.get(author=ana)
    assert moment.correct_me
    mention = Notification.objects.get(recipient=sam, type="social.mention")
    assert mention.url == f"/social/moments/{moment.pk}/"

    other = signed_in(signed_in_page, browser, live_server, sam, viewport)
    other.goto(live_server.url + mention.url)
    box = other.get_by_label("Your corrected version")
    expect(box).to_have_value("Ayer yo soy muy cansado, @Sam")
    box.fill("Ayer yo estaba muy cansado, @Sam")
    other.get_by_label("Why (optional)").fill("Estar: un estado pasajero.")
    other.get_by_role("button", name="Suggest a correction").click()
    expect(other.get_by_text("Your correction was sent.")).to_be_visible()
    no_sideways_scroll(other)
    axe(other)

    page.goto(live_server.url + f"/social/moments/{moment.pk}/")
    correction = page.get_by_test_id("correction")
    expect(correction.locator("del")).to_have_text("soy")
    expect(correction.locator("ins")).to_have_text("estaba")
    no_sideways_scroll(page)
    axe(page)
    screenshot("diff", page=page)
    page.get_by_role("button", name="Accept this correction").click()
    expect(page.get_by_text("You accepted the correction.")).to_be_visible()
    expect(correction.get_by_text("Accepted")).to_be_visible()
    screenshot("accepted", page=page)
    assert Notification.objects.filter(recipient=sam, type="social.correction").count() == 1


def signed_in(
    open_page: Any, browser: Any, live_server: Any, user: Any, size: dict[str, int]
) -> Any:
    page = open_page(browser, live_server.url, user)
    page.set_viewport_size(size)
    return page
