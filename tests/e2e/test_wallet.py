"""Buying credits in a real browser. Stripe is faked at the HTTP boundary (the SDK talks to
payments.testing.FakeProviders on 127.0.0.1); Stripe.js cannot load offline, so the test
completes the payment as Stripe would: it marks the PaymentIntent paid at the fake and posts
Stripe's signed ``payment_intent.succeeded`` webhook to the live server."""

import re
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def log_in(page: Any, live_server: Any, email: str) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(email=email))
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def deliver_stripe_webhook(live_server: Any, event_type: str, obj: dict[str, Any]) -> int:
    from payments.testing import stripe_event

    payload, headers = stripe_event(event_type, obj)
    request = urllib.request.Request(  # noqa: S310 - the live test server
        live_server.url + "/api/v1/payments/webhooks/stripe/",
        data=payload,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": headers["HTTP_STRIPE_SIGNATURE"],
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status


def test_student_buys_credits_pays_and_downloads_the_invoice(
    page: Any, live_server: Any, demo_site: Any, stripe: Any, screenshot: Any, tmp_path: Path
) -> None:
    from payments.models import Payment, PaymentStatus

    page.set_default_timeout(15_000)
    url = live_server.url
    log_in(page, live_server, "student@toto.localhost")
    page.goto(url + "/wallet/")
    expect(page.get_by_role("heading", name="Your wallet")).to_be_visible()
    # The demo student's balance (welcome credits and the demo's purchases); the purchase below
    # must add exactly its 100.
    expect(page.get_by_test_id("credits")).to_have_text(re.compile(r"^\s*\d+\s*$"))
    before = int(page.get_by_test_id("credits").inner_text())
    expect(page.get_by_test_id("allowance")).to_have_text("20")
    screenshot("wallet-before")

    starter = page.get_by_role("form", name="Starter")
    starter.get_by_label("Price").select_option("USD")
    starter.get_by_label("Pay with").select_option("stripe")
    starter.get_by_role("button", name="Buy Starter").click()

    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(page.get_by_test_id("checkout-amount")).to_have_text("10.00 USD")
    # Offline, Stripe.js cannot load: the page says so instead of showing a dead button.
    expect(page.get_by_role("status")).to_contain_text("could not be loaded")
    expect(page.get_by_role("button", name=re.compile("^Pay"))).to_be_hidden()
    screenshot("checkout")

    payment = Payment.objects.get(
        user__email="student@toto.localhost", status=PaymentStatus.PENDING
    )
    assert payment.amount == 10 and payment.currency == "USD"
    created = [r for r in stripe.requests if r[:2] == ("POST", "/v1/payment_intents")]
    assert len(created) == 1 and created[0][2]["amount"] == "1000"
    intent = stripe.pay_intent(payment.provider_order_id)
    assert deliver_stripe_webhook(live_server, "payment_intent.succeeded", intent) == 200

    page.goto(url + "/wallet/")
    expect(page.get_by_test_id("credits")).to_have_text(str(before + 100))
    expect(page.get_by_role("table", name="Recent activity")).to_contain_text(
        "Starter: 100 credits"
    )
    screenshot("wallet-after")

    page.get_by_role("link", name="Payments and invoices").click()
    expect(page).to_have_url(url + "/payments/")
    row = page.get_by_role("row").filter(has_text="Succeeded").first
    expect(row).to_contain_text("Starter: 100 credits")
    expect(row).to_contain_text("10.00 USD")
    screenshot("payments")
    with page.expect_download() as download_info:
        row.get_by_role("link", name=re.compile("Invoice")).click()
    download = download_info.value
    assert re.fullmatch(r"INV-\d{4}-\d+\.pdf", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    from django.contrib.auth import get_user_model

    page.get_by_role("link", name="Back to your wallet").click()
    page.get_by_role("link", name="Invite friends, earn credits").click()
    expect(page.get_by_role("heading", name="Invite friends")).to_be_visible()
    share_link = page.get_by_label("Your share link")
    expect(share_link).to_have_value(re.compile(r"/r/[A-Z2-9]{8}/$"))
    expect(page.get_by_role("row").filter(has_text="Tomás")).to_contain_text("Waiting")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == share_link.input_value()
    screenshot("referrals")

    from accounts.testing import activate_totp

    # The admin requires two-factor authentication of admins: give the demo admin a TOTP.
    activate_totp(get_user_model().objects.get(email="admin@toto.localhost"))
    log_in(page, live_server, "admin@toto.localhost")
    # The admin scrolls inside its own layout: a tall window shows the whole dashboard.
    page.set_viewport_size({"width": 1280, "height": 2600})
    page.goto(url + "/admin/finance/")
    expect(page.get_by_role("heading", name="Recent payments")).to_be_visible()
    expect(page.get_by_role("heading", name="Payout approval queue")).to_be_visible()
    screenshot("admin-finance")
    page.get_by_role("link", name=re.compile(r"Refund Starter.*Sam")).first.click()
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_label("Amount to refund")).to_be_visible()
    screenshot("admin-refund")
