"""Graded moderator roles in the browser: a plain moderator's report screen offers dismiss,
hide, sensitive and warn and says who can limit or suspend; a senior moderator's offers
those too and limits the author. Screenshots at desktop and phone size."""

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 900}


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_plain_and_senior_moderators_see_their_own_actions(
    browser: Any,
    live_server: Any,
    role_user: Any,
    screenshot: Any,
    staff_sign_in: Any,
    viewport: dict[str, int],
) -> None:
    from accounts.roles import Role
    from social import services
    from social.models import ModerationAction
    from social.moderation import make_senior

    ana = role_user(Role.STUDENT, email="ana@example.com", first_name="Ana", last_name="López")
    sam = role_user(Role.STUDENT, email="sam@example.com", first_name="Sam", last_name="Smith")
    mo = role_user(Role.MODERATOR, email="mo@example.com", first_name="Mo")
    sena = role_user(Role.MODERATOR, email="sena@example.com", first_name="Sena")
    make_senior(sena)
    moment = services.post_moment(ana, text="Compra seguidores baratos", language="es")
    report = services.report(sam, target="moment", target_id=moment.pk, category="spam")
    url = f"{live_server.url}/admin/moderation/social-reports/edit/{report.pk}/"

    plain = browser.new_context(viewport=viewport).new_page()
    staff_sign_in(plain, url, mo)
    expect(plain.get_by_label("Warn the author")).to_be_visible()
    expect(
        plain.get_by_label("Limit the author (silent: only they see their posts)")
    ).to_have_count(0)
    expect(plain.get_by_label("Suspend the account")).to_have_count(0)
    expect(plain.get_by_test_id("senior-only")).to_be_visible()
    assert plain.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot("plain", page=plain)

    senior = browser.new_context(viewport=viewport).new_page()
    staff_sign_in(senior, url, sena)
    expect(senior.get_by_test_id("senior-only")).to_have_count(0)
    senior.get_by_label("Limit the author (silent: only they see their posts)").check()
    senior.get_by_label("Reason (shown to the author)").fill("Selling followers")
    screenshot("senior", page=senior)
    senior.get_by_role("button", name="Save decision").click()
    expect(senior.get_by_text("Decision saved.")).to_be_visible()
    assert ModerationAction.objects.get().moderator == sena
