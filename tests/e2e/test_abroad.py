"""A learner plans a study trip on the demo site: searches Madrid's courses, looks at the
offline map, compares a course and a homestay, books both as one package and pays it with
the demo card; then finds it in My trips. At desktop size and at phone size, with axe and
the no-sideways-scroll check on every page, and screenshots of each step."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e
SIZES = {"desktop": {"width": 1200, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture
def abroad_demo(transactional_db, settings):  # type: ignore[no-untyped-def]
    from django.core.management import call_command

    from cms.abroad.testing import ensure_wagtail_root

    settings.PAYMENTS_DEMO_ENABLED = True
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""
    ensure_wagtail_root()  # a previous transactional test may have flushed it
    call_command("load_demo_data", verbosity=0)


def _signed_in(browser, live_server, email: str, size: str):  # type: ignore[no-untyped-def]
    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    context = browser.new_context(viewport=SIZES[size])
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def _check(page, axe, no_sideways_scroll, screenshot, label: str) -> None:  # type: ignore[no-untyped-def]
    no_sideways_scroll(page)
    axe(page)
    screenshot(label, page=page)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_learner_searches_compares_books_a_package_and_pays(  # type: ignore[no-untyped-def]
    browser, live_server, abroad_demo, axe, no_sideways_scroll, screenshot, size
):
    from abroad.models import AbroadBooking, BookingStatus

    from cms.abroad.models import CoursePage, HomestayPage

    course = CoursePage.objects.get(slug="intensive-spanish")
    homestay = HomestayPage.objects.get(slug="casa-lucia")
    intake = course.intakes.order_by("start_date").first()
    context = _signed_in(browser, live_server, "student@toto.localhost", size)
    page = context.new_page()

    # Search: Madrid's Spanish courses, then the same on the map.
    page.goto(live_server.url + "/abroad/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Study abroad")
    filters = page.get_by_role("form", name="Search filters")
    filters.get_by_label("Destination").select_option(label="Madrid")
    filters.get_by_label("Course language").select_option("es")
    filters.get_by_role("button", name="Search").click()
    expect(page.get_by_text("2 results")).to_be_visible()
    _check(page, axe, no_sideways_scroll, screenshot, f"search-{size}")
    page.get_by_role("link", name="Map", exact=True).click()
    expect(page.locator("svg.abroad-map-svg circle")).to_have_count(1)
    _check(page, axe, no_sideways_scroll, screenshot, f"map-{size}")
    page.get_by_role("link", name="List", exact=True).click()

    # Compare the course and a homestay.
    page.get_by_role("button", name="Compare Intensive Spanish").click()
    expect(page.get_by_text("Added to compare.")).to_be_visible()
    page.goto(live_server.url + homestay.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Casa Lucía in Chamberí")
    expect(page.locator(".abroad-day-blocked").first).to_be_visible()
    _check(page, axe, no_sideways_scroll, screenshot, f"homestay-{size}")
    page.get_by_role("button", name="Compare Casa Lucía in Chamberí").first.click()
    page.goto(live_server.url + "/abroad/compare/")
    page.get_by_label("Weeks (courses)").fill("2")
    page.get_by_label("Nights (homestays)").fill("14")
    page.get_by_role("button", name="Update prices").click()
    expect(page.get_by_test_id("compare-total")).to_have_text(["555.00 EUR", "448.00 EUR"])
    _check(page, axe, no_sideways_scroll, screenshot, f"compare-{size}")

    # Book the package from the course page: the seat and the Blue room, one checkout.
    page.get_by_role("link", name="Intensive Spanish", exact=True).click()
    expect(page.get_by_test_id("seats-left").first).to_be_visible()
    _check(page, axe, no_sideways_scroll, screenshot, f"course-{size}")
    check_in = intake.start_date - timedelta(days=2)
    form = page.get_by_role("form", name="Book", exact=True)
    form.get_by_label("Start date", exact=True).select_option(str(intake.pk))
    form.get_by_label("Weeks", exact=True).fill("2")
    form.get_by_label("Room", exact=True).select_option(
        str(homestay.rooms.get(name="Blue room").pk)
    )
    form.get_by_label("Check-in", exact=True).fill(check_in.isoformat())
    form.get_by_label("Check-out", exact=True).fill((check_in + timedelta(days=14)).isoformat())
    form.get_by_role("button", name="Hold and pay").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pay for your trip")
    expect(page.get_by_text("Due now: 1087.00 EUR")).to_be_visible()  # 555 + 14 x 38
    booking = AbroadBooking.objects.get(learner__email="student@toto.localhost", course=course)
    assert booking.status == BookingStatus.HELD and booking.kind == "package"
    _check(page, axe, no_sideways_scroll, screenshot, f"pay-{size}")
    page.get_by_role("textbox", name="Card number", exact=True).fill("4242 4242 4242 4242")
    page.get_by_role("textbox", name="Expiry (MM/YY)", exact=True).fill("12/40")
    page.get_by_role("textbox", name="CVC", exact=True).fill("123")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    page.wait_for_url(re.compile(r"/abroad/trips/[0-9a-f-]+/$"))
    expect(page.get_by_text("Payment received")).to_be_visible()
    expect(page.get_by_text("Paid in full")).to_be_visible()
    _check(page, axe, no_sideways_scroll, screenshot, f"paid-{size}")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID
    assert booking.amount_paid == booking.total

    page.goto(live_server.url + "/abroad/trips/")
    expect(page.get_by_text("Intensive Spanish + Casa Lucía in Chamberí")).to_be_visible()
    _check(page, axe, no_sideways_scroll, screenshot, f"trips-{size}")
    context.close()
