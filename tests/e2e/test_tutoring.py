"""A learner finds a teacher, books a slot shown in their own time zone and pays with
Stripe; both the learner and the teacher then see the lesson on their dashboards.

Stripe is mocked at the HTTP boundary only: the browser's requests to js.stripe.com and
api.stripe.com are answered by a stand-in for Stripe.js and by payments.testing's fake
Stripe API (the server side talks to the same fake), and the confirmation arrives as
Stripe's signed ``payment_intent.succeeded`` webhook, posted to the live server.
"""

import re
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"


def _signed_in(browser, live_server, email: str):  # type: ignore[no-untyped-def]
    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def test_a_learner_books_and_pays_and_both_see_the_lesson(
    browser, live_server, demo_site, stripe, tmp_path
) -> None:
    from tutoring.models import Booking, BookingStatus

    shots = []
    learner = _signed_in(browser, live_server, "student@toto.localhost")
    page = learner.new_page()

    def shot(target, label: str) -> None:  # type: ignore[no-untyped-def]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"test_tutoring-{label}.png"
        target.screenshot(path=str(path), full_page=True)
        shots.append(path)

    stripe.route(page)

    # The directory, filtered to Spanish teachers.
    page.goto(live_server.url + "/tutoring/")
    page.get_by_role("textbox", name="Language taught").fill("es")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Tomás Teacher")).to_be_visible()
    expect(page.get_by_role("link", name="Mei Lin")).to_have_count(0)
    shot(page, "directory")

    # The teacher's page: gigs, the review, and slots in the learner's zone (London).
    page.get_by_role("link", name="Tomás Teacher").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tomás Teacher")
    expect(page.get_by_text("Times are shown in Europe/London")).to_be_visible()
    expect(page.get_by_text("Tomás made me talk from the first minute")).to_be_visible()
    shot(page, "teacher-page")
    slot = page.locator("button.slot").first
    slot_label = slot.get_attribute("aria-label")
    slot.click()

    # Pay: the held booking, Stripe's form, the redirect back to the booking.
    expect(page.get_by_role("heading", level=1)).to_have_text("Pay for your lesson")
    expect(page.get_by_label("Card number")).to_be_visible()
    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    shot(page, "pay")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r"/tutoring/bookings/[0-9a-f-]+/\?payment_intent="))
    booking_id = re.search(r"/tutoring/bookings/([0-9a-f-]+)/", page.url).group(1)  # type: ignore[union-attr]
    expect(page.get_by_text("Your payment is being confirmed")).to_be_visible()
    assert Booking.objects.get(pk=booking_id).status == BookingStatus.HELD

    # Stripe's signed webhook reaches the server; the booking is confirmed.
    stripe.send_payment_succeeded(live_server.url)
    page.goto(f"{live_server.url}/tutoring/bookings/{booking_id}/")
    expect(page.get_by_test_id("booking-status")).to_have_text("Confirmed")
    shot(page, "booking-confirmed")

    # The learner's dashboard lists it as upcoming, and the spend counts it.
    page.goto(live_server.url + "/tutoring/dashboard/")
    upcoming = page.get_by_test_id("upcoming")
    expect(upcoming.locator(f"a[href='/tutoring/bookings/{booking_id}/']")).to_be_visible()
    shot(page, "learner-dashboard")

    # The teacher sees it too, with the learner's name.
    teacher = _signed_in(browser, live_server, "teacher@toto.localhost")
    teacher_page = teacher.new_page()
    teacher_page.goto(live_server.url + "/tutoring/teach/")
    row = teacher_page.get_by_test_id("teacher-upcoming").locator(
        "tr", has=teacher_page.locator(f"a[href='/tutoring/bookings/{booking_id}/']")
    )
    expect(row).to_contain_text("Sam Student")
    expect(row).to_contain_text("Confirmed")
    shot(teacher_page, "teacher-dashboard")
    teacher_page.locator(f"a[href='/tutoring/bookings/{booking_id}/']").click()
    expect(teacher_page.get_by_test_id("booking-status")).to_have_text("Confirmed")
    assert slot_label and "Book" in slot_label
    teacher.close()
    learner.close()
