"""The finance admin's "Refunds needing attention" in a real browser: a refund Stripe
failed shows with its attempts, error and next retry, and "Retry now" sends it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def failed_refund(stripe, failure):  # type: ignore[no-untyped-def]
    """A learner's paid credit package whose refund Stripe answers with ``failure``."""
    from django.contrib.auth import get_user_model

    from payments.services import refund_payment, start_checkout
    from payments.webhooks import handle_stripe_event

    buyer = (
        get_user_model()
        .objects.filter(is_superuser=False, is_active=True)
        .order_by("email")
        .first()
    )
    checkout = start_checkout(
        buyer, purpose="credits", item={"package": "starter"}, provider="stripe", currency="USD"
    )
    handle_stripe_event(
        "payment_intent.succeeded", stripe.pay_intent(checkout.payment.provider_order_id)
    )
    stripe.fail("/v1/refunds", failure)
    return refund_payment(checkout.payment, reason="Lesson cancelled", idempotency_key="e2e")


def sign_in_as_admin(page, live_server):  # type: ignore[no-untyped-def]
    """The demo admin (with TOTP set up, as admins must) signed in to the browser."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.testing import activate_totp

    admin = get_user_model().objects.get(email="admin@toto.localhost")
    activate_totp(admin)
    client = Client()
    client.force_login(admin)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    return admin


def test_finance_admin_sees_a_failed_refund_and_retries_it(
    page, live_server, demo_site, stripe, screenshot
):  # type: ignore[no-untyped-def]
    from payments.models import RefundStatus
    from payments.testing import STRIPE_500

    refund = failed_refund(stripe, (500, STRIPE_500))
    assert refund.status == RefundStatus.RETRYING
    sign_in_as_admin(page, live_server)
    page.goto(live_server.url + "/admin/finance/refunds-attention/")
    row = page.get_by_role("row").filter(has_text="Provider failed: retry scheduled")
    expect(row).to_contain_text("unknown error")
    screenshot("attention-list")

    page.goto(live_server.url + f"/admin/finance/refunds/{refund.pk}/retry/")
    expect(page.get_by_role("heading", name=re.compile("Retry refund"))).to_be_visible()
    screenshot("retry-confirm")
    page.get_by_role("button", name="Retry now").click()
    expect(page.get_by_text(re.compile(r"Refunded 10\.00 USD"))).to_be_visible()
    screenshot("retried")
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and len(stripe.refunds) == 1


def test_finance_admin_follows_the_dashboard_count_and_marks_a_refund_resolved(
    page, live_server, demo_site, stripe, screenshot
):  # type: ignore[no-untyped-def]
    from payments.models import RefundStatus
    from payments.testing import STRIPE_ALREADY_REFUNDED

    refund = failed_refund(stripe, (400, STRIPE_ALREADY_REFUNDED))
    assert refund.status == RefundStatus.ATTENTION
    admin = sign_in_as_admin(page, live_server)
    page.goto(live_server.url + "/admin/finance/")
    count = page.get_by_role("link", name=re.compile(r"\d+ waiting for a finance admin"))
    expect(count).to_be_visible()
    screenshot("dashboard-count")
    count.click()
    row = page.get_by_role("row").filter(has_text="already been refunded")
    expect(row).to_be_visible()
    row.get_by_role("button", name="More options").click()
    row.get_by_role("link", name="Mark resolved").click()
    expect(page.get_by_role("heading", name=re.compile("Mark refund resolved"))).to_be_visible()
    page.get_by_role("button", name="Mark resolved").click()  # no note yet
    expect(page.get_by_text("This field is required.")).to_be_visible()
    screenshot("resolve-form-error")
    page.get_by_label("How was it resolved?").fill("Refunded by bank transfer on 2026-11-20")
    page.get_by_role("button", name="Mark resolved").click()
    expect(page.get_by_text(re.compile("marked resolved"))).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="already been refunded")).to_have_count(0)
    screenshot("resolved")
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and refund.resolved_by == admin
