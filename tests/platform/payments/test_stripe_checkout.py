"""Checkout with Stripe, and Stripe's webhooks: once per event, signed, amount checked."""

from decimal import Decimal

import pytest

from credits.models import AccountKind, Entry
from credits.services import platform_account, user_account, verify_balances
from payments.models import Invoice, Payment, PaymentStatus, WebhookEvent
from payments.testing import stripe_event

pytestmark = pytest.mark.django_db

WEBHOOK = "/api/v1/payments/webhooks/stripe/"


def checkout(api_client, **overrides):
    body = {
        "purpose": "credits",
        "item": {"package": "starter"},
        "provider": "stripe",
        "currency": "USD",
    }
    body.update(overrides)
    return api_client.post("/api/v1/payments/checkout/", body, format="json")


def deliver(client, event_type, obj, **kwargs):
    payload, headers = stripe_event(event_type, obj, **kwargs)
    return client.post(WEBHOOK, payload, content_type="application/json", **headers)


def test_checkout_creates_a_payment_intent_at_the_server_price(
    api_client, student, package, providers
):
    api_client.force_login(student)
    response = checkout(api_client)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["payment"]["amount"] == "10.00"
    assert body["client"]["client_secret"].startswith("pi_")
    assert body["client"]["publishable_key"] == "pk_test_toto"
    method, path, sent = providers.requests[-1]
    assert (method, path) == ("POST", "/v1/payment_intents")
    assert sent["amount"] == "1000" and sent["currency"] == "usd"
    assert sent["metadata[payment_id]"] == body["payment"]["id"]


def test_client_cannot_set_the_amount(api_client, student, package, providers):
    api_client.force_login(student)
    response = checkout(api_client, amount="0.01")
    assert response.status_code == 400
    assert response.json()["fields"]["amount"]
    assert not Payment.objects.exists()


def test_paypal_through_stripe_where_offered(api_client, student, package, providers):
    api_client.force_login(student)
    assert checkout(api_client, currency="EUR", provider="paypal").status_code == 201
    assert providers.requests[-1][2]["allowed_payment_method_types[0]"] == "paypal"
    refused = checkout(api_client, currency="INR", provider="paypal")
    assert refused.status_code == 400
    assert refused.json()["code"] == "provider_unavailable"


def test_paying_needs_a_verified_email(api_client, user_factory, package, providers):
    api_client.force_login(user_factory(verified=False))
    response = checkout(api_client)
    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"


def test_webhook_delivered_ten_times_credits_once(api_client, client, student, package, providers):
    api_client.force_login(student)
    payment_id = checkout(api_client).json()["payment"]["id"]
    payment = Payment.objects.get(pk=payment_id)
    intent = providers.pay_intent(payment.provider_order_id)
    payload, headers = stripe_event("payment_intent.succeeded", intent)
    answers = [
        client.post(WEBHOOK, payload, content_type="application/json", **headers).json()
        for _ in range(10)
    ]
    assert [a["duplicate"] for a in answers] == [False] + [True] * 9
    assert user_account(student, AccountKind.WALLET).balance == Decimal("100.00")
    assert platform_account(AccountKind.REVENUE, "USD").balance == Decimal("10.00")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert Invoice.objects.filter(payment=payment).count() == 1
    assert WebhookEvent.objects.count() == 1
    assert verify_balances() == []


def test_same_payment_in_two_different_events_credits_once(
    api_client, client, student, package, providers
):
    api_client.force_login(student)
    payment = Payment.objects.get(pk=checkout(api_client).json()["payment"]["id"])
    intent = providers.pay_intent(payment.provider_order_id)
    charge = {
        "id": intent["latest_charge"],
        "object": "charge",
        "amount": 1000,
        "currency": "usd",
        "paid": True,
        "status": "succeeded",
        "payment_intent": intent["id"],
        "metadata": intent["metadata"],
        "payment_method_details": {
            "type": "card",
            "card": {"fingerprint": "Xt5EWLLDS7FJjR1c", "last4": "4242"},
        },
    }
    assert deliver(client, "charge.succeeded", charge).status_code == 200
    assert deliver(client, "payment_intent.succeeded", intent).status_code == 200
    assert user_account(student, AccountKind.WALLET).balance == Decimal("100.00")
    payment.refresh_from_db()
    assert payment.payment_fingerprint == "Xt5EWLLDS7FJjR1c"


def test_late_failure_does_not_undo_success(api_client, client, student, package, providers):
    api_client.force_login(student)
    payment = Payment.objects.get(pk=checkout(api_client).json()["payment"]["id"])
    intent = providers.pay_intent(payment.provider_order_id)
    deliver(client, "payment_intent.succeeded", intent)
    failed = {
        **intent,
        "status": "requires_payment_method",
        "last_payment_error": {"message": "declined"},
    }
    deliver(client, "payment_intent.payment_failed", failed)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED


def test_forged_signature_is_refused_and_changes_nothing(
    api_client, client, student, package, providers
):
    api_client.force_login(student)
    payment = Payment.objects.get(pk=checkout(api_client).json()["payment"]["id"])
    intent = providers.pay_intent(payment.provider_order_id)
    response = deliver(client, "payment_intent.succeeded", intent, secret="whsec_attacker")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    payload, headers = stripe_event("payment_intent.succeeded", intent)
    tampered = payload.replace(b'"amount_received": 1000', b'"amount_received": 1')
    assert (
        client.post(WEBHOOK, tampered, content_type="application/json", **headers).status_code
        == 400
    )
    assert client.post(WEBHOOK, payload, content_type="application/json").status_code == 400
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.PENDING
    assert not WebhookEvent.objects.exists()
    assert not Entry.objects.exists()


def test_provider_reporting_another_amount_is_refused(
    api_client, client, student, package, providers
):
    api_client.force_login(student)
    payment = Payment.objects.get(pk=checkout(api_client).json()["payment"]["id"])
    intent = providers.pay_intent(payment.provider_order_id, amount=100)  # paid 1.00, not 10.00
    assert deliver(client, "payment_intent.succeeded", intent).status_code == 200
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.MISMATCH
    assert not Entry.objects.exists()
    assert not Invoice.objects.exists()


def test_reconciliation_settles_a_payment_whose_webhook_was_lost(
    api_client, student, package, providers
):
    from datetime import timedelta

    from django.utils import timezone

    from payments.tasks import reconcile_pending

    api_client.force_login(student)
    payment = Payment.objects.get(pk=checkout(api_client).json()["payment"]["id"])
    providers.pay_intent(payment.provider_order_id)
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=30))
    assert reconcile_pending() == {"checked": 1, "succeeded": 1, "expired": 0}
    assert user_account(student, AccountKind.WALLET).balance == Decimal("100.00")
    assert reconcile_pending()["checked"] == 0


def test_reconciliation_is_scheduled_by_a_beat_row(db):
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.get(task="payments.reconcile_pending").enabled


def test_gift_credits_go_to_the_recipient(
    api_client, client, student, other_student, package, providers
):
    api_client.force_login(student)
    body = checkout(
        api_client, purpose="gift", item={"package": "starter", "recipient": other_student.email}
    )
    payment = Payment.objects.get(pk=body.json()["payment"]["id"])
    deliver(client, "payment_intent.succeeded", providers.pay_intent(payment.provider_order_id))
    assert user_account(other_student, AccountKind.WALLET).balance == Decimal("100.00")
    assert user_account(student, AccountKind.WALLET).balance == Decimal("0")
