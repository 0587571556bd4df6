"""Razorpay: orders, the checkout's payment signature, and signed webhooks."""

from decimal import Decimal

import pytest

from credits.models import AccountKind, Entry
from credits.services import user_account
from payments.models import Payment, PaymentStatus
from payments.testing import razorpay_event, razorpay_payment_signature

pytestmark = pytest.mark.django_db

WEBHOOK = "/api/v1/payments/webhooks/razorpay/"


@pytest.fixture
def order(api_client, student, package, providers):
    api_client.force_login(student)
    body = {
        "purpose": "credits",
        "item": {"package": "starter"},
        "provider": "razorpay",
        "currency": "INR",
    }
    response = api_client.post("/api/v1/payments/checkout/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_checkout_creates_an_order_in_paise(order, providers):
    assert order["client"]["amount"] == 80000
    assert order["client"]["key_id"] == "rzp_test_toto"
    assert providers.orders[order["client"]["order_id"]]["amount"] == 80000


def test_signed_checkout_result_credits_the_wallet(api_client, order, student, providers):
    order_id = order["client"]["order_id"]
    paid = providers.pay_order(order_id)
    url = f"/api/v1/payments/{order['payment']['id']}/razorpay/confirm/"
    body = {
        "razorpay_order_id": order_id,
        "razorpay_payment_id": paid["id"],
        "razorpay_signature": razorpay_payment_signature(order_id, paid["id"]),
    }
    response = api_client.post(url, body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "succeeded"
    assert api_client.post(url, body, format="json").status_code == 200
    assert user_account(student, AccountKind.WALLET).balance == Decimal("100.00")


def test_forged_payment_signature_is_refused(api_client, order, providers):
    order_id = order["client"]["order_id"]
    paid = providers.pay_order(order_id)
    url = f"/api/v1/payments/{order['payment']['id']}/razorpay/confirm/"
    body = {
        "razorpay_order_id": order_id,
        "razorpay_payment_id": paid["id"],
        "razorpay_signature": "0" * 64,
    }
    response = api_client.post(url, body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_webhook_ten_times_credits_once(client, order, student, providers):
    paid = providers.pay_order(order["client"]["order_id"])
    payload, headers = razorpay_event("payment.captured", {"payment": {"entity": paid}})
    for _ in range(10):
        assert (
            client.post(WEBHOOK, payload, content_type="application/json", **headers).status_code
            == 200
        )
    assert user_account(student, AccountKind.WALLET).balance == Decimal("100.00")


def test_forged_webhook_is_refused(client, order, providers):
    paid = providers.pay_order(order["client"]["order_id"])
    payload, headers = razorpay_event(
        "payment.captured", {"payment": {"entity": paid}}, secret="forged"
    )
    response = client.post(WEBHOOK, payload, content_type="application/json", **headers)
    assert response.status_code == 400
    assert not Entry.objects.exists()


def test_underpaid_order_is_refused(client, order, providers):
    paid = providers.pay_order(order["client"]["order_id"], amount=100)
    payload, headers = razorpay_event("payment.captured", {"payment": {"entity": paid}})
    assert (
        client.post(WEBHOOK, payload, content_type="application/json", **headers).status_code == 200
    )
    assert Payment.objects.get().status == PaymentStatus.MISMATCH
    assert not Entry.objects.exists()
