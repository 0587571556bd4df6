"""A refund request in a real browser: the demo learner asks for one from their payments
page on a phone, a finance admin decides it in the admin on a desktop, and the learner sees
the decision."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_learner_requests_a_refund_and_a_finance_admin_approves_part_of_it(
    page, live_server, demo_site, stripe, settings, screenshot, axe, no_sideways_scroll
):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.testing import activate_totp
    from disputes.models import RefundRequest, RefundRequestStatus
    from payments.services import start_checkout
    from payments.webhooks import handle_stripe_event

    settings.REFUND_AUTO_CREDITS_DAYS = 0  # every request goes to the finance team
    users = get_user_model().objects
    learner = users.get(email="student@toto.localhost")
    checkout = start_checkout(
        learner, purpose="credits", item={"package": "starter"}, provider="stripe", currency="USD"
    )
    handle_stripe_event(
        "payment_intent.succeeded", stripe.pay_intent(checkout.payment.provider_order_id)
    )

    def sign_in(user) -> None:  # type: ignore[no-untyped-def]
        client = Client()
        client.force_login(user)
        page.context.clear_cookies()
        page.context.add_cookies(
            [
                {
                    "name": "sessionid",
                    "value": client.cookies["sessionid"].value,
                    "url": live_server.url,
                }
            ]
        )

    # The learner, on a phone.
    sign_in(learner)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/payments/")
    page.get_by_role("link", name="Request a refund").first.click()
    expect(page.get_by_role("heading", name="Request a refund")).to_be_visible()
    no_sideways_scroll(page)
    axe(page)
    page.get_by_label("Why do you want a refund?").select_option("not_as_described")
    page.get_by_label("What happened").fill("Half of the credits never showed up.")
    screenshot("phone-form")
    page.get_by_role("button", name="Send the request").click()
    expect(page).to_have_url(re.compile(r"/refunds/$"))
    expect(page.get_by_text("Waiting for a decision").first).to_be_visible()
    no_sideways_scroll(page)
    axe(page)
    screenshot("phone-requests")
    request = RefundRequest.objects.get(payment=checkout.payment)

    # A finance admin, on a desktop.
    admin = users.get(email="admin@toto.localhost")
    activate_totp(admin)
    sign_in(admin)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/admin/finance/refund-requests/")
    page.get_by_role("link", name=re.compile("Starter")).first.click()
    expect(page.get_by_text("Half of the credits never showed up.")).to_be_visible()
    page.get_by_label("Approve").check()
    page.get_by_label("Amount to refund").fill("4.00")
    page.get_by_label("Reason (sent to the learner)").fill("Refunding the credits that failed.")
    screenshot("admin-decide")
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("Refund request decided.")).to_be_visible()
    screenshot("admin-decided")
    request.refresh_from_db()
    assert (request.status, str(request.amount_approved)) == (RefundRequestStatus.APPROVED, "4.00")
    assert [r["amount"] for r in stripe.refunds] == [400]

    # The learner sees the decision, on a desktop too.
    sign_in(learner)
    page.goto(live_server.url + "/refunds/")
    expect(page.get_by_text("Refunding the credits that failed.")).to_be_visible()
    axe(page)
    screenshot("desktop-requests")
