"""A learner browses group sessions, books a seat and pays it with Stripe's Payment Element
(the lessons' pay page and module), then finds it on their dashboard and the session page
lets them into its classroom; the teacher sees the seat taken. At desktop width and at
390 px.

Stripe is mocked at the HTTP boundary only (tests/e2e/conftest.py's ``stripe``): Stripe.js
and its confirm call are answered in the browser, the server talks to payments.testing's
fake Stripe API, and the payment arrives as Stripe's signed webhook.
"""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("width", [1200, 390], ids=["desktop", "phone"])
def test_a_learner_books_and_pays_a_seat_and_sees_it_listed(
    browser, live_server, demo_site, stripe, signed_in_page, screenshot, width
) -> None:
    from accounts.models import User
    from tutoring.models import Booking, BookingStatus, GroupSession

    session = GroupSession.objects.get(topic__startswith="Tapas vocabulary")
    page = signed_in_page(
        browser, live_server.url, User.objects.get(email="student@toto.localhost")
    )
    page.set_viewport_size({"width": width, "height": 900})
    stripe.route(page)

    # Browse: the nav link, both demo sessions, then only the Spanish one.
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Group sessions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Group sessions")
    sessions = page.get_by_test_id("group-sessions")
    expect(sessions.get_by_role("link", name=re.compile("Tapas vocabulary"))).to_be_visible()
    expect(sessions.get_by_role("link", name=re.compile("Café French"))).to_be_visible()
    expect(sessions).to_contain_text("6 seats left")
    page.get_by_role("textbox", name="Language taught").fill("es")
    page.get_by_label("Your level").select_option("B1")
    page.get_by_role("button", name="Search").click()
    expect(sessions.get_by_role("link", name=re.compile("Café French"))).to_have_count(0)
    screenshot(f"list-{width}", page=page)

    # The session, then a seat held and paid on the lessons' pay page.
    sessions.get_by_role("link", name=re.compile("Tapas vocabulary")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(session.topic)
    expect(page.get_by_test_id("seats")).to_contain_text("6 seats left")
    screenshot(f"detail-{width}", page=page)
    page.get_by_role("button", name=re.compile("^Book a seat")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay for your seat")
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    screenshot(f"pay-{width}", page=page)
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r"/tutoring/bookings/[0-9a-f-]+/\?payment_intent="))
    booking_id = re.search(r"/tutoring/bookings/([0-9a-f-]+)/", page.url).group(1)  # type: ignore[union-attr]
    expect(page.get_by_text("Your payment is being confirmed")).to_be_visible()

    stripe.send_payment_succeeded(live_server.url)
    assert Booking.objects.get(pk=booking_id).status == BookingStatus.CONFIRMED

    # Listed on the dashboard with the session's topic; the session page opens the classroom.
    page.goto(live_server.url + "/tutoring/dashboard/")
    row = page.get_by_test_id("upcoming").locator(
        "tr", has=page.locator(f"a[href='/tutoring/bookings/{booking_id}/']")
    )
    expect(row).to_contain_text("Tapas vocabulary")
    expect(row).to_contain_text("Confirmed")
    screenshot(f"dashboard-{width}", page=page)
    row.get_by_role("link", name=re.compile("Tapas vocabulary")).click()
    expect(page.get_by_test_id("your-seat")).to_contain_text("You have a seat")
    expect(page.get_by_test_id("seats")).to_contain_text("5 seats left")
    expect(page.get_by_role("link", name="Enter the classroom")).to_have_attribute(
        "href", f"/rooms/{session.room_id}/"
    )

    # The teacher's list counts the seat.
    teacher = signed_in_page(
        browser, live_server.url, User.objects.get(email="teacher@toto.localhost")
    )
    teacher.set_viewport_size({"width": width, "height": 900})
    teacher.goto(live_server.url + "/tutoring/teach/")
    teacher.get_by_role("link", name="Your group sessions").click()
    mine = teacher.get_by_test_id("teacher-sessions").locator(
        "tr", has=teacher.get_by_role("link", name=re.compile("Tapas vocabulary"))
    )
    expect(mine).to_contain_text("1 / 6")
    screenshot(f"teacher-{width}", page=teacher)
    mine.get_by_role("link").first.click()
    expect(teacher.get_by_test_id("seats-taken")).to_contain_text("1 of 6 seats taken")
    expect(teacher.get_by_label(re.compile("^Starts at"))).to_be_disabled()
    screenshot(f"teacher-edit-{width}", page=teacher)
    teacher.context.close()
    page.context.close()
