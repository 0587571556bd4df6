"""Paying on a server without Stripe keys (a fresh `make run`): the demo provider's card
form. A learner buys credits on the wallet page (a declined card first, then the good one)
and books and pays a lesson with the card that asks for a 3-D Secure-like confirmation;
at desktop size and at phone size.

Nothing is mocked: the demo provider is this server's own, and its confirmation settles the
payment through the same services a provider's webhook does.
"""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from tutoring.testing import make_gig, make_listing  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e
ARTIFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artifacts" / "screenshots"
SIZES = {"desktop": {"width": 1200, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(autouse=True)
def demo_payments_only(settings):  # type: ignore[no-untyped-def]
    """The embedded settings' situation: demo on, Stripe not configured."""
    settings.PAYMENTS_DEMO_ENABLED = True
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_PUBLISHABLE_KEY = ""


def _signed_in(browser, live_server, email: str, size: str):  # type: ignore[no-untyped-def]
    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    context = browser.new_context(viewport=SIZES[size])
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"test_demo_payments-{name}.png"), full_page=True)


def _fill_card(page, number: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("textbox", name="Card number", exact=True).fill(number)
    page.get_by_role("textbox", name="Expiry (MM/YY)", exact=True).fill("12/40")
    page.get_by_role("textbox", name="CVC", exact=True).fill("123")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_learner_buys_credits_with_the_demo_card(browser, live_server, demo_site, size):  # type: ignore[no-untyped-def]
    from accounts.models import User
    from credits.models import AccountKind
    from credits.services import user_account

    learner = User.objects.get(email="student@toto.localhost")
    before = user_account(learner, AccountKind.WALLET).balance
    context = _signed_in(browser, live_server, "student@toto.localhost", size)
    page = context.new_page()

    page.goto(live_server.url + "/wallet/")
    expect(page.get_by_test_id("credits")).to_have_text(f"{before.normalize():f}")
    starter = page.get_by_role("form", name="Starter")
    # Without Stripe keys the demo card is offered and already chosen.
    expect(starter.get_by_label("Pay with")).to_have_value("demo")
    _shot(page, f"wallet-{size}")
    starter.get_by_role("button", name="Buy Starter").click()

    demo = page.get_by_test_id("demo-pay")
    expect(page.get_by_role("heading", name="Demo payment — no real money")).to_be_visible()
    expect(demo.get_by_text("4242 4242 4242 4242")).to_be_visible()
    expect(demo.get_by_text("4000 0000 0000 0002")).to_be_visible()
    expect(demo.get_by_text("4000 0000 0000 3220")).to_be_visible()

    # A card that is not a test card: a field error, nothing sent to the ledger.
    _fill_card(page, "4111 1111 1111 1111")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    expect(demo.get_by_text("Not a demo test card")).to_be_visible()

    # The declined card: its reason, and the form stays for another try.
    _fill_card(page, "4000 0000 0000 0002")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    expect(page.locator("#demo-status")).to_contain_text("Your card was declined")
    expect(page.get_by_role("button", name=re.compile(r"^Pay "))).to_be_enabled()
    _shot(page, f"declined-{size}")
    assert user_account(learner, AccountKind.WALLET).balance == before

    _fill_card(page, "4242 4242 4242 4242")
    _shot(page, f"card-form-{size}")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r"/wallet/$"))
    expect(page.get_by_text("Payment received: Starter: 100 credits")).to_be_visible()
    expect(page.get_by_text("no real money was taken")).to_be_visible()
    expect(page.get_by_test_id("credits")).to_have_text(f"{(before + 100).normalize():f}")
    _shot(page, f"credits-bought-{size}")
    assert user_account(learner, AccountKind.WALLET).balance == before + Decimal("100")
    context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_learner_books_and_pays_a_lesson_with_the_3d_secure_card(  # type: ignore[no-untyped-def]
    browser,
    live_server,
    demo_site,
    role_user,
    request,
    size,
):
    from accounts.roles import Role
    from payments.models import Payment
    from tutoring.models import Booking, BookingStatus

    new_listing, new_gig = (request.getfixturevalue(name) for name in ("make_listing", "make_gig"))
    teacher = role_user(Role.TEACHER, email="ana@example.com", first_name="Ana", last_name="Ruiz")
    listing = new_listing(teacher)
    new_gig(listing, title="Conversation practice", durations={30: "12.00"}, currency="EUR")

    context = _signed_in(browser, live_server, "student@toto.localhost", size)
    page = context.new_page()
    page.goto(f"{live_server.url}/tutoring/teachers/{listing.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ana Ruiz")
    page.locator("button.slot").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Pay for your lesson")
    expect(page.get_by_role("heading", name="Demo payment — no real money")).to_be_visible()
    _fill_card(page, "4000 0000 0000 3220")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    # The extra step, like the bank's 3-D Secure page.
    expect(page.get_by_role("heading", name="Confirm this payment")).to_be_visible()
    _shot(page, f"lesson-confirm-step-{size}")
    booking = Booking.objects.get(learner__email="student@toto.localhost", gig__listing=listing)
    assert booking.status == BookingStatus.HELD
    page.get_by_role("button", name="Confirm the payment").click()

    page.wait_for_url(re.compile(rf"/tutoring/bookings/{booking.pk}/$"))
    expect(page.get_by_text("Payment received: Lesson: Conversation practice")).to_be_visible()
    expect(page.get_by_test_id("booking-status")).to_have_text("Confirmed")
    _shot(page, f"lesson-confirmed-{size}")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    payment = Payment.objects.get(purpose="tutoring_booking", item__booking=str(booking.pk))
    assert payment.provider == "demo"
    assert payment.status == "succeeded"
    context.close()
