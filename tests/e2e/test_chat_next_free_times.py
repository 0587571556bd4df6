"""From a chat with a teacher, a learner asks for the next free times and follows one to the
teacher's booking page (real daphne server, the chat socket, the learner's time zone)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def listed_teacher(role_user, make_listing, make_gig):  # type: ignore[no-untyped-def]
    from accounts.roles import Role

    user = role_user(Role.TEACHER, email="tomas@example.com", first_name="Tomás", last_name="T")
    gig = make_gig(make_listing(user, time_zone="Europe/Madrid"), title="Conversation")
    return user, gig


def test_a_learner_asks_a_teacher_for_free_times_from_the_chat(
    browser, asgi_live_server, signed_in_page, role_user, screenshot, make_listing, make_gig
) -> None:
    from accounts.models import Profile
    from accounts.roles import Role
    from messaging import services

    sam = role_user(Role.STUDENT, email="sam@example.com", first_name="Sam", last_name="Student")
    lena = role_user(Role.STUDENT, email="lena@example.com", first_name="Lena", last_name="L")
    Profile.objects.update_or_create(user=sam, defaults={"time_zone": "Asia/Kolkata"})
    tomas, gig = listed_teacher(role_user, make_listing, make_gig)
    services.start_conversation(sam, [tomas])
    services.start_conversation(sam, [lena])

    page = signed_in_page(browser, asgi_live_server, sam)
    page.goto(asgi_live_server + "/chat/")
    expect(page.locator("#connection-status")).to_have_text("Online")

    # With a classmate there is nothing to ask.
    page.get_by_role("button", name="Lena L").click()
    expect(page.locator("#composer")).to_be_visible()
    expect(page.get_by_role("button", name="Next free times")).to_be_hidden()

    page.get_by_role("button", name="Tomás T").click()
    page.get_by_role("button", name="Next free times").click()
    times = page.get_by_role("list", name="Next free times").get_by_role("link")
    expect(times).to_have_count(5)
    expect(page.locator("#slots-result")).to_contain_text("Asia/Kolkata")
    # The teacher works 09:00-17:00 in Madrid: 13:30 to 21:30 (or 22:30 in winter) in India.
    for datetime_attr in page.locator("#slots-result time").evaluate_all(
        "nodes => nodes.map(n => n.dateTime)"
    ):
        assert datetime_attr.endswith("+05:30")
    screenshot("slots", page=page)

    times.first.click()
    expect(page).to_have_url(
        re.compile(rf"/tutoring/teachers/{tomas.pk}/\?gig={gig.pk}&duration=60$")
    )
    expect(page.get_by_role("heading", name="Book “Conversation” (60 min)")).to_be_visible()
    expect(page.get_by_text("Times are shown in Asia/Kolkata.")).to_be_visible()
