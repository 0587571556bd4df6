"""A learner buys a package of lessons with the demo card from the teacher's page and books
two lessons from it without paying again: the first at desktop size, the second from "My
packages" at phone size (390x844), with axe, no sideways scroll and screenshots."""

import re
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"
SIZES = {"desktop": {"width": 1200, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(autouse=True)
def demo_payments_only(settings):  # type: ignore[no-untyped-def]
    """The embedded settings' situation: demo on, Stripe not configured."""
    settings.PAYMENTS_DEMO_ENABLED = True
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""


def _page(browser, live_server, user, size: str):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=SIZES[size])
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    return page


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"test_lesson_packages-{name}.png"), full_page=True)


def test_a_learner_buys_a_package_and_books_two_lessons_from_it(  # type: ignore[no-untyped-def]
    browser, live_server, demo_site, axe, no_sideways_scroll
):
    from accounts.models import User
    from payments.models import Payment
    from tutoring.models import Booking, Gig, LessonPackage

    learner = User.objects.get(email="student@toto.localhost")
    gig = Gig.objects.get(
        title="Spanish conversation", listing__user__email="teacher@toto.localhost"
    )
    page = _page(browser, live_server, learner, "desktop")

    page.goto(f"{live_server.url}/tutoring/teachers/{gig.listing_id}/?gig={gig.pk}&duration=60")
    offers = page.get_by_test_id("package-offers")
    expect(offers).to_contain_text("10 % off")
    expect(offers).to_contain_text("126.00 EUR")  # 5 x 25.20 (28.00 less 10 %)
    axe(page)
    _shot(page, "offers-desktop")
    offers.get_by_role("button", name="Buy 5 lessons").click()

    expect(page.get_by_role("heading", name="Demo payment — no real money")).to_be_visible()
    expect(page.get_by_test_id("checkout-amount")).to_have_text("126.00 EUR")
    page.get_by_role("textbox", name="Card number", exact=True).fill("4242 4242 4242 4242")
    page.get_by_role("textbox", name="Expiry (MM/YY)", exact=True).fill("12/40")
    page.get_by_role("textbox", name="CVC", exact=True).fill("123")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    expect(page).to_have_url(re.compile(r"/tutoring/packages/[0-9a-f-]+/$"))
    expect(page.get_by_test_id("package-left")).to_have_text("5 / 5")
    page.locator("form.slot-picker button.slot").first.click()
    expect(page.get_by_text("no payment needed")).to_be_visible()
    expect(page.get_by_test_id("package-left")).to_have_text("4 / 5")
    axe(page)
    _shot(page, "booked-one-desktop")

    phone = _page(browser, live_server, learner, "phone")
    phone.goto(f"{live_server.url}/tutoring/dashboard/")
    phone.get_by_role("link", name="My packages").click()
    expect(phone.get_by_test_id("lessons-left")).to_have_text("4 lessons left")
    no_sideways_scroll(phone)
    axe(phone)
    _shot(phone, "my-packages-phone")
    phone.get_by_test_id("packages").get_by_role("link").first.click()
    # A later slot than the first lesson's (the first one is taken now).
    phone.locator("form.slot-picker button.slot").nth(3).click()
    expect(phone.get_by_text("no payment needed")).to_be_visible()
    expect(phone.get_by_test_id("package-left")).to_have_text("3 / 5")
    expect(phone.get_by_test_id("package-bookings").get_by_role("link")).to_have_count(2)
    no_sideways_scroll(phone)
    axe(phone)
    _shot(phone, "booked-two-phone")

    package = LessonPackage.objects.get(learner=learner)
    assert package.lessons_used == 2
    assert Booking.objects.filter(package=package, status="confirmed").count() == 2
    assert Payment.objects.filter(user=learner, purpose="tutoring_package").count() == 1
