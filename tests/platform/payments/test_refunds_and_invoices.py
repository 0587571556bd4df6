"""Refunds reverse exactly what they should; invoices are numbered without gaps."""

from decimal import Decimal

import pytest

from credits.models import AccountKind
from credits.services import charge, platform_account, user_account, verify_balances
from payments.errors import RefundNotAllowed
from payments.models import Invoice, Payment, PaymentStatus, RefundStatus
from payments.services import refund_payment, start_checkout
from payments.testing import stripe_event

pytestmark = pytest.mark.django_db


def paid_credits(client, user, providers, currency="USD") -> Payment:
    checkout = start_checkout(
        user, purpose="credits", item={"package": "starter"}, provider="stripe", currency=currency
    )
    payload, headers = stripe_event(
        "payment_intent.succeeded", providers.pay_intent(checkout.payment.provider_order_id)
    )
    client.post(
        "/api/v1/payments/webhooks/stripe/", payload, content_type="application/json", **headers
    )
    checkout.payment.refresh_from_db()
    assert checkout.payment.status == PaymentStatus.SUCCEEDED
    return checkout.payment


def test_partial_refund_reverses_its_share_of_money_and_credits(
    client, student, package, providers, admin
):
    payment = paid_credits(client, student, providers)
    refund = refund_payment(payment, amount=Decimal("4.00"), by=admin, idempotency_key="r1")
    assert refund.status == RefundStatus.SUCCEEDED
    assert providers.requests[-1][2]["amount"] == "400"
    assert platform_account(AccountKind.REVENUE, "USD").balance == Decimal("6.00")
    assert platform_account(AccountKind.PROVIDER_CLEARING, "USD").balance == Decimal("-6.00")
    assert user_account(student, AccountKind.WALLET).balance == Decimal("60.00")
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("4.00")
    # Replaying the same key refunds nothing more.
    assert refund_payment(payment, amount=Decimal("4.00"), idempotency_key="r1").pk == refund.pk
    assert user_account(student, AccountKind.WALLET).balance == Decimal("60.00")
    assert verify_balances() == []


def test_refund_takes_back_only_credits_not_yet_spent(
    client, student, package, providers, feature_price
):
    payment = paid_credits(client, student, providers)
    charge(student, "tutor-chat", 70, "spent")
    refund = refund_payment(payment, idempotency_key="r-all")
    assert refund.amount == Decimal("10.00")
    assert refund.credits_clawed_back == Decimal("30.00")
    assert refund.credits_unrecovered == Decimal("70.00")
    assert user_account(student, AccountKind.WALLET).balance == Decimal("0.00")
    assert platform_account(AccountKind.REVENUE, "USD").balance == Decimal("0.00")
    assert verify_balances() == []


def test_cannot_refund_more_than_was_paid(client, student, package, providers):
    payment = paid_credits(client, student, providers)
    refund_payment(payment, amount=Decimal("8.00"), idempotency_key="r1")
    with pytest.raises(RefundNotAllowed):
        refund_payment(payment, amount=Decimal("2.01"), idempotency_key="r2")


def test_refund_made_in_the_stripe_dashboard_is_applied_once(client, student, package, providers):
    payment = paid_credits(client, student, providers)
    refund = {
        "id": "re_dashboard1",
        "object": "refund",
        "amount": 1000,
        "currency": "usd",
        "payment_intent": payment.provider_order_id,
        "status": "succeeded",
        "metadata": {},
    }
    for _ in range(3):
        payload, headers = stripe_event("refund.created", refund, event_id="evt_same")
        client.post(
            "/api/v1/payments/webhooks/stripe/", payload, content_type="application/json", **headers
        )
    payload, headers = stripe_event("refund.updated", refund)
    client.post(
        "/api/v1/payments/webhooks/stripe/", payload, content_type="application/json", **headers
    )
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("10.00")
    assert user_account(student, AccountKind.WALLET).balance == Decimal("0.00")


def test_refund_event_before_success_event_settles_both(
    api_client, client, student, package, providers
):
    checkout = start_checkout(
        student, purpose="credits", item={"package": "starter"}, provider="stripe", currency="USD"
    )
    intent = providers.pay_intent(checkout.payment.provider_order_id)
    refund = {
        "id": "re_early",
        "object": "refund",
        "amount": 500,
        "currency": "usd",
        "payment_intent": intent["id"],
        "status": "succeeded",
        "metadata": {},
    }
    payload, headers = stripe_event("refund.created", refund)
    assert (
        client.post(
            "/api/v1/payments/webhooks/stripe/", payload, content_type="application/json", **headers
        ).status_code
        == 200
    )
    payload, headers = stripe_event("payment_intent.succeeded", intent)
    client.post(
        "/api/v1/payments/webhooks/stripe/", payload, content_type="application/json", **headers
    )
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.amount_refunded == Decimal("5.00")
    assert user_account(student, AccountKind.WALLET).balance == Decimal("50.00")


def test_invoice_numbers_have_no_gaps_and_pdf_downloads(
    api_client, client, student, other_student, package, providers
):
    payments = [paid_credits(client, user, providers) for user in (student, other_student, student)]
    numbers = [Invoice.objects.get(payment=p, kind="invoice").number for p in payments]
    suffixes = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert suffixes == list(range(suffixes[0], suffixes[0] + 3))
    refund = refund_payment(payments[0], amount=Decimal("1.00"), idempotency_key="cn")
    assert refund.credit_note.number.startswith("CN-")

    api_client.force_login(student)
    response = api_client.get(f"/api/v1/payments/{payments[0].pk}/invoice/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert numbers[0].encode() in response.content or len(response.content) > 500
    note = api_client.get(
        f"/api/v1/payments/{payments[0].pk}/invoice/?number={refund.credit_note.number}"
    )
    assert note.status_code == 200
    # Another user's invoice is not found, not forbidden: its existence is not revealed.
    assert api_client.get(f"/api/v1/payments/{payments[1].pk}/invoice/").status_code == 404


def test_payment_history_is_mine_with_pinned_queries(
    api_client, client, student, other_student, package, providers, assert_num_queries
):
    for user in (student, student, other_student):
        paid_credits(client, user, providers)
    api_client.force_login(student)
    api_client.get("/api/v1/payments/")
    with assert_num_queries(5):  # session, user, count, payments, invoices
        body = api_client.get("/api/v1/payments/").json()
    assert body["count"] == 2
    paid_credits(client, student, providers)
    with assert_num_queries(5):
        body = api_client.get("/api/v1/payments/?status=succeeded").json()
    assert body["count"] == 3
    assert all(row["invoices"] for row in body["results"])


def test_bank_transfer_for_large_amounts_is_confirmed_by_an_admin(
    student, package, admin, settings
):
    from credits.models import CreditPackage, CreditPackagePrice
    from payments.errors import ProviderUnavailable
    from payments.services import confirm_bank_transfer

    settings.BANK_TRANSFER_MINIMUM = {"USD": "500"}
    with pytest.raises(ProviderUnavailable):
        start_checkout(
            student,
            purpose="credits",
            item={"package": "starter"},
            provider="bank_transfer",
            currency="USD",
        )
    big = CreditPackage.objects.create(name="School", slug="school", credits=Decimal("10000"))
    CreditPackagePrice.objects.create(package=big, currency="USD", amount=Decimal("900"))
    checkout = start_checkout(
        student,
        purpose="credits",
        item={"package": "school"},
        provider="bank_transfer",
        currency="USD",
    )
    assert checkout.client["reference"].startswith("TOTO-")
    payment = confirm_bank_transfer(checkout.payment, by=admin)
    assert payment.status == PaymentStatus.SUCCEEDED and payment.confirmed_by == admin
    assert user_account(student, AccountKind.WALLET).balance == Decimal("10000.00")
