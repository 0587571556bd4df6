"""A dispute in a real browser: the demo learner reports a problem from their lesson's page
and adds their account with a file on the dispute's page, the teacher answers there with
their own, a finance admin decides a partial refund in the admin, and both sides see the
decision; the money moved through the ledger. Desktop, with the dispute's page on a phone."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def test_learner_reports_a_lesson_both_sides_give_evidence_and_an_admin_refunds_part(
    page, live_server, demo_site, stripe, screenshot, axe, no_sideways_scroll
):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model
    from django.test import Client

    from accounts.testing import activate_totp
    from credits.models import AccountKind
    from credits.services import user_account, verify_balances
    from disputes.models import Dispute, DisputeOutcome, Evidence
    from payments.models import Payment
    from payments.webhooks import handle_stripe_event
    from tutoring import payments as tutoring_payments
    from tutoring.models import Booking, BookingStatus, Gig, PricingMode
    from tutoring.services.bookings import hold_booking

    users = get_user_model().objects
    learner = users.get(email="student@toto.localhost")
    teacher = users.get(email="teacher@toto.localhost")
    gig = (
        Gig.objects.filter(
            listing__user=teacher,
            is_active=True,
            pricing_mode=PricingMode.PER_DURATION,
            durations__isnull=False,
        )
        .distinct()
        .first()
    )
    minutes = gig.durations.order_by("minutes").first().minutes
    start = (datetime.now(tz=UTC) + timedelta(days=40)).replace(
        hour=3, minute=0, second=0, microsecond=0
    )
    booking = hold_booking(
        learner=learner, gig=gig, start=start, minutes=minutes, check_availability=False
    )
    tutoring_payments.start_booking_checkout(booking, provider="stripe", user=learner)
    payment = Payment.objects.get(purpose="tutoring_booking", item__booking=str(booking.pk))
    handle_stripe_event("payment_intent.succeeded", stripe.pay_intent(payment.provider_order_id))
    # The lesson took place as far as the server knows.
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.AWAITING_CONFIRMATION)
    earnings_before = user_account(teacher, AccountKind.EARNINGS, payment.currency).balance

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

    # The learner reports the problem from the lesson's page and lands on the dispute's.
    sign_in(learner)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/tutoring/bookings/{booking.pk}/")
    page.get_by_role("link", name="Report a problem").click()
    expect(page.get_by_role("heading", name="Report a problem")).to_be_visible()
    page.get_by_label("What went wrong?").fill("The teacher left after ten minutes.")
    page.get_by_role("button", name="Open a dispute").click()
    expect(page).to_have_url(re.compile(r"/disputes/[0-9a-f-]+/$"), timeout=15_000)
    dispute = Dispute.objects.get(payment=payment)
    page.get_by_label("Your account").fill("Here is the call log: it stops at 03:10.")
    page.get_by_label("Files (optional)").set_input_files(
        {"name": "call.png", "mimeType": "image/png", "buffer": PNG}
    )
    page.get_by_role("button", name="Add to the dispute").click()
    expect(page.get_by_text("it stops at 03:10")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("link", name="Download the file")).to_have_count(1)
    axe(page)
    screenshot("learner-evidence")

    # The teacher is told and answers on the same page, on a phone.
    sign_in(teacher)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/disputes/{dispute.pk}/")
    expect(page.get_by_text("The teacher left after ten minutes.")).to_be_visible()
    page.get_by_label("Your account").fill("We had 45 minutes; the learner's line dropped.")
    page.get_by_label("Files (optional)").set_input_files(
        {"name": "log.txt", "mimeType": "text/plain", "buffer": b"joined 03:00, left 03:45"}
    )
    page.get_by_role("button", name="Add to the dispute").click()
    expect(page.get_by_text("the learner's line dropped")).to_be_visible(timeout=15_000)
    expect(page.get_by_role("link", name="Download the file")).to_have_count(2)
    no_sideways_scroll(page)
    axe(page)
    screenshot("phone-teacher-answers")
    assert Evidence.objects.filter(dispute=dispute).exclude(file="").count() == 2

    # A finance admin decides a partial refund in the admin's disputes view.
    admin = users.get(email="admin@toto.localhost")
    activate_totp(admin)
    sign_in(admin)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/finance/disputes/decide/{dispute.pk}/")
    expect(page.get_by_text("it stops at 03:10")).to_be_visible()
    half = (payment.amount / 2).quantize(Decimal("0.01"))
    page.get_by_label("Partial refund", exact=True).check()
    page.get_by_label("Amount (partial refund only)").fill(str(half))
    page.get_by_label("Reason (sent to both sides)").fill("Half of the lesson took place.")
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("Dispute decided.")).to_be_visible(timeout=15_000)
    dispute.refresh_from_db()
    assert (dispute.outcome, dispute.amount_refunded) == (DisputeOutcome.PARTIAL_REFUND, half)
    payment.refresh_from_db()
    assert payment.amount_refunded == half
    assert [r["amount"] for r in stripe.refunds] == [int(half * 100)]
    # The teacher is paid the half kept (less commission); the ledger balances.
    earned = user_account(teacher, AccountKind.EARNINGS, payment.currency).balance
    assert earnings_before < earned < earnings_before + half
    assert verify_balances() == []

    # Both sides see the decision.
    for person in (teacher, learner):
        sign_in(person)
        page.goto(f"{live_server.url}/disputes/{dispute.pk}/")
        expect(page.get_by_test_id("dispute-decision")).to_contain_text(
            "Half of the lesson took place."
        )
    expect(page.get_by_label("Your account")).to_have_count(0)  # decided: no more evidence
    screenshot("learner-decided")
    page.set_viewport_size({"width": 390, "height": 844})
    no_sideways_scroll(page)
    screenshot("phone-learner-decided")
