"""Refunds a provider accepted and then failed (Stripe's refund.failed and failed
refund.updated / charge.refund.updated, Razorpay's refund.failed), delivered to the signed
webhook endpoints: the refund needs a finance admin again, the ledger takes back only the
cash it had booked as returned, finance admins are told once and the learner not at all."""

from decimal import Decimal

import pytest
from django.test import Client

from credits.models import AccountKind, Transfer
from credits.services import platform_account, user_account, verify_balances
from notifications.models import Notification
from payments.models import Invoice, InvoiceKind, Refund, RefundStatus
from payments.services import refund_payment, retry_refund
from payments.testing import razorpay_event, stripe_event

pytestmark = pytest.mark.django_db

STRIPE_HOOK = "/api/v1/payments/webhooks/stripe/"
RAZORPAY_HOOK = "/api/v1/payments/webhooks/razorpay/"
REFUNDS = "/v1/refunds"
ATTENTION = "payments.refund_attention"


def deliver_stripe(client, event_type: str, obj: dict, event_id: str | None = None):  # type: ignore[no-untyped-def]
    payload, headers = stripe_event(event_type, obj, event_id=event_id)
    answer = client.post(STRIPE_HOOK, payload, content_type="application/json", **headers)
    assert answer.status_code == 200, answer.content
    return answer


def deliver_razorpay(client, event: str, payload: dict, event_id: str | None = None):  # type: ignore[no-untyped-def]
    body, headers = razorpay_event(event, payload, event_id=event_id)
    answer = client.post(RAZORPAY_HOOK, body, content_type="application/json", **headers)
    assert answer.status_code == 200, answer.content
    return answer


def cash(currency: str) -> tuple[Decimal, Decimal]:
    """Revenue and provider clearing in ``currency``."""
    return (
        platform_account(AccountKind.REVENUE, currency).balance,
        platform_account(AccountKind.PROVIDER_CLEARING, currency).balance,
    )


def test_stripe_failure_after_success_takes_the_cash_back_once_and_asks_finance(
    client, admin, student, package, providers, pay_for_credits
):
    payment = pay_for_credits(student)
    paid_cash = cash("USD")
    learner_notices = Notification.objects.filter(recipient=student).count()
    refund = refund_payment(payment, reason="Changed my mind", idempotency_key="r1")
    assert refund.status == RefundStatus.SUCCEEDED
    assert user_account(student, AccountKind.WALLET).balance == Decimal("0.00")
    learner = Client()
    learner.force_login(student)
    assert "status-refunded" in learner.get("/payments/").content.decode()

    failed = providers.fail_refund(refund.provider_refund_id, "expired_or_canceled_card")
    # Stripe sends all three for one failure, and may deliver each more than once.
    deliver_stripe(client, "refund.failed", failed, event_id="evt_failed")
    deliver_stripe(client, "refund.failed", failed, event_id="evt_failed")
    deliver_stripe(client, "refund.updated", failed)
    deliver_stripe(client, "charge.refund.updated", failed)

    refund.refresh_from_db()
    assert refund.status == RefundStatus.ATTENTION
    assert "expired_or_canceled_card" in refund.last_error
    assert refund.provider_refund_id == "" and refund.completed_at is None
    assert [f["provider_refund_id"] for f in refund.failures] == [failed["id"]]
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0.00")
    # Only the cash came back: revenue and clearing as before the refund, once.
    assert cash("USD") == paid_cash
    assert Transfer.objects.filter(kind="refund_failed").count() == 1
    assert Transfer.objects.get(kind="refund_failed").reverses_id == refund.transfer_id
    # The refund itself stands: credits stay taken back, the credit note stays issued.
    assert user_account(student, AccountKind.WALLET).balance == Decimal("0.00")
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE, refund=refund).count() == 1
    assert verify_balances() == []
    notices = Notification.objects.filter(type=ATTENTION)
    assert [n.recipient for n in notices] == [admin]
    assert "expired_or_canceled_card" in notices.get().body
    assert Notification.objects.filter(recipient=student).count() == learner_notices
    # The learner's payment history no longer says "Refunded": they did not get it.
    assert "status-refunded" not in learner.get("/payments/").content.decode()
    # A stale success event for the failed refund books nothing.
    deliver_stripe(client, "refund.updated", {**failed, "status": "succeeded"})
    refund.refresh_from_db()
    assert refund.status == RefundStatus.ATTENTION and cash("USD") == paid_cash


def test_stripe_failure_before_the_refund_succeeded_books_nothing(
    client, admin, student, package, providers, pay_for_credits
):
    payment = pay_for_credits(student)
    paid_cash = cash("USD")
    providers.refund_status = "pending"
    refund = refund_payment(payment, idempotency_key="r1")
    assert refund.status == RefundStatus.PENDING and refund.provider_refund_id
    created = dict(providers.refunds[0])
    failed = providers.fail_refund(refund.provider_refund_id, "declined")

    # The failure overtakes the creation event.
    deliver_stripe(client, "refund.failed", failed)
    deliver_stripe(client, "refund.created", created)
    deliver_stripe(client, "refund.updated", {**failed, "status": "succeeded"})

    refund.refresh_from_db()
    assert refund.status == RefundStatus.ATTENTION and "declined" in refund.last_error
    assert refund.transfer_id is None
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("0.00")
    assert cash("USD") == paid_cash
    assert user_account(student, AccountKind.WALLET).balance == Decimal("100.00")
    assert not Transfer.objects.filter(kind__startswith="refund").exists()
    assert Notification.objects.filter(type=ATTENTION).count() == 1
    assert verify_balances() == []


def test_retry_after_a_failure_makes_a_new_refund_and_pays_the_cash_out_again(
    client, admin, student, package, providers, pay_for_credits
):
    payment = pay_for_credits(student)
    refund = refund_payment(payment, idempotency_key="r1")
    booked_cash = cash("USD")
    deliver_stripe(client, "refund.failed", providers.fail_refund(refund.provider_refund_id))

    client.force_login(admin)
    answer = client.post(f"/admin/finance/refunds/{refund.pk}/retry/", follow=True)
    assert "Refunded 10.00 USD" in answer.content.decode()
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert refund.provider_refund_id == providers.refunds[1]["id"]
    keys = [key for path, key in providers.keys if path == REFUNDS]
    assert keys == [f"refund:{refund.pk}", f"refund:{refund.pk}:failed:1"]
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("10.00")
    assert cash("USD") == booked_cash
    assert Transfer.objects.filter(kind="refund_paid").count() == 1
    assert Transfer.objects.filter(kind="refund").count() == 1  # the booking stood
    assert user_account(student, AccountKind.WALLET).balance == Decimal("0.00")
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 1
    assert verify_balances() == []


def test_a_refund_made_in_the_stripe_dashboard_that_fails_is_undone_once(
    client, admin, student, package, providers, pay_for_credits
):
    payment = pay_for_credits(student)
    paid_cash = cash("USD")
    remote = {
        "id": "re_dashboard",
        "object": "refund",
        "amount": 1000,
        "currency": "usd",
        "payment_intent": payment.provider_order_id,
        "status": "succeeded",
        "metadata": {},
    }
    deliver_stripe(client, "refund.created", remote)
    # Someone typed metadata in the dashboard: not an id of ours, no error either.
    failed = {
        **remote,
        "status": "failed",
        "failure_reason": "lost_or_stolen_card",
        "metadata": {"refund_id": "ticket 4711"},
    }
    deliver_stripe(client, "refund.failed", failed)
    # The success arriving again (another event id) does not make a second refund.
    deliver_stripe(client, "refund.updated", remote)
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.ATTENTION
    assert cash("USD") == paid_cash
    assert verify_balances() == []


def test_razorpay_failure_after_processed_takes_the_cash_back_and_a_retry_makes_a_new_one(
    client, admin, student, providers, razorpay_payment
):
    paid_cash = cash("INR")
    refund = refund_payment(razorpay_payment, idempotency_key="r1")
    assert refund.status == RefundStatus.SUCCEEDED
    failed = providers.fail_refund(refund.provider_refund_id)
    payload = {
        "refund": {"entity": failed},
        "payment": {"entity": providers.rzp_payments[razorpay_payment.provider_payment_id]},
    }
    deliver_razorpay(client, "refund.failed", payload, event_id="evt_rzp_failed")
    deliver_razorpay(client, "refund.failed", payload, event_id="evt_rzp_failed")
    deliver_razorpay(client, "refund.failed", payload)  # redelivered under a new id

    refund.refresh_from_db()
    assert refund.status == RefundStatus.ATTENTION
    assert "Razorpay failed the refund" in refund.last_error
    razorpay_payment.refresh_from_db()
    assert razorpay_payment.amount_refunded == Decimal("0.00")
    assert cash("INR") == paid_cash
    assert Transfer.objects.filter(kind="refund_failed").count() == 1
    assert Notification.objects.filter(type=ATTENTION).count() == 1
    assert not Notification.objects.filter(recipient=student, type=ATTENTION).exists()
    assert verify_balances() == []

    # Retry: the failed refund listed at Razorpay is not adopted; a new one is made.
    retried = retry_refund(str(refund.pk), force=True)
    assert retried is not None and retried.status == RefundStatus.SUCCEEDED
    assert len(providers.refunds) == 2 and retried.provider_refund_id == providers.refunds[1]["id"]
    razorpay_payment.refresh_from_db()
    assert razorpay_payment.amount_refunded == razorpay_payment.amount
    assert verify_balances() == []
    # The old failure delivered again changes nothing.
    deliver_razorpay(client, "refund.failed", payload)
    retried.refresh_from_db()
    assert retried.status == RefundStatus.SUCCEEDED


def test_razorpay_failure_event_must_be_signed(client, student, providers, razorpay_payment):
    refund = refund_payment(razorpay_payment, idempotency_key="r1")
    failed = providers.fail_refund(refund.provider_refund_id)
    body, headers = razorpay_event("refund.failed", {"refund": {"entity": failed}}, secret="wrong")
    answer = client.post(RAZORPAY_HOOK, body, content_type="application/json", **headers)
    assert answer.status_code == 400
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
