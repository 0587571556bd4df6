"""Premium through Stripe Billing: checkout, invoice.paid activates and renews, deletion cancels."""

import time
from decimal import Decimal

import pytest

from credits.models import PlanPrice, Subscription, SubscriptionStatus
from credits.services import current_plan
from payments.models import Payment
from payments.testing import stripe_event

pytestmark = pytest.mark.django_db


def post(client, event_type, obj):
    payload, headers = stripe_event(event_type, obj)
    return client.post(
        "/api/v1/payments/webhooks/stripe/", payload, content_type="application/json", **headers
    )


def invoice(invoice_id, subscription_id, period_end, amount=999):
    return {
        "id": invoice_id,
        "object": "invoice",
        "amount_paid": amount,
        "currency": "usd",
        "status": "paid",
        "billing_reason": "subscription_cycle",
        "parent": {
            "type": "subscription_details",
            "subscription_details": {"subscription": subscription_id},
        },
        "lines": {
            "object": "list",
            "data": [
                {
                    "object": "line_item",
                    "period": {"start": period_end - 2592000, "end": period_end},
                }
            ],
        },
    }


def test_stripe_billing_subscription_lifecycle(
    api_client, client, student, premium_plan, providers
):
    PlanPrice.objects.filter(plan=premium_plan, currency="USD").update(
        stripe_price_id="price_premium_usd"
    )
    api_client.force_login(student)
    response = api_client.post(
        "/api/v1/payments/checkout/",
        {
            "purpose": "subscription",
            "item": {"plan": "premium"},
            "provider": "stripe",
            "currency": "USD",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    client_data = response.json()["client"]
    assert client_data["client_secret"] and client_data["subscription"].startswith("sub_")
    sent = providers.requests[-1][2]
    assert sent["items[0][price]"] == "price_premium_usd"
    assert sent["payment_behavior"] == "default_incomplete"

    payment = Payment.objects.get()
    end = int(time.time()) + 30 * 86400
    assert (
        post(
            client,
            "invoice.paid",
            invoice(payment.provider_order_id, client_data["subscription"], end),
        ).status_code
        == 200
    )
    assert current_plan(student) == premium_plan

    renewal_end = end + 30 * 86400
    post(client, "invoice.paid", invoice("in_renewal", client_data["subscription"], renewal_end))
    assert Payment.objects.filter(status="succeeded").count() == 2
    subscription = Subscription.objects.get()
    assert int(subscription.current_period_end.timestamp()) == renewal_end
    # An old period end arriving late does not shorten the subscription.
    post(client, "invoice.paid", invoice("in_old", client_data["subscription"], end))
    subscription.refresh_from_db()
    assert int(subscription.current_period_end.timestamp()) == renewal_end

    post(
        client,
        "customer.subscription.deleted",
        {"id": client_data["subscription"], "object": "subscription", "status": "canceled"},
    )
    post(
        client,
        "customer.subscription.updated",
        {"id": client_data["subscription"], "object": "subscription", "status": "active"},
    )
    assert Subscription.objects.get().status == SubscriptionStatus.CANCELED
    assert current_plan(student) != premium_plan


def test_razorpay_subscription_is_one_prepaid_period(student, premium_plan, providers):
    from credits.services import current_subscription
    from payments.services import mark_succeeded, start_checkout

    checkout = start_checkout(
        student,
        purpose="subscription",
        item={"plan": "premium"},
        provider="razorpay",
        currency="INR",
    )
    mark_succeeded(checkout.payment, amount=Decimal("799.00"), currency="INR")
    assert current_subscription(student).plan == premium_plan


def subscribe_with_stripe(api_client, client, user, plan, providers):  # type: ignore[no-untyped-def]
    PlanPrice.objects.filter(plan=plan, currency="USD").update(stripe_price_id="price_premium")
    api_client.force_login(user)
    response = api_client.post(
        "/api/v1/payments/checkout/",
        {
            "purpose": "subscription",
            "item": {"plan": plan.slug},
            "provider": "stripe",
            "currency": "USD",
        },
        format="json",
    )
    subscription_id = response.json()["client"]["subscription"]
    payment = Payment.objects.get(item__subscription=subscription_id)
    end = int(time.time()) + 30 * 86400
    post(client, "invoice.paid", invoice(payment.provider_order_id, subscription_id, end))
    payment.refresh_from_db()
    assert payment.status == "succeeded" and current_plan(user) == plan
    return payment, subscription_id


def test_full_refund_cancels_the_subscription_at_stripe_too(
    api_client,
    client,
    student,
    premium_plan,
    providers,
    admin,
    django_capture_on_commit_callbacks,
):
    from payments import tasks
    from payments.services import refund_payment

    payment, subscription_id = subscribe_with_stripe(
        api_client, client, student, premium_plan, providers
    )
    with django_capture_on_commit_callbacks() as callbacks:
        refund = refund_payment(payment, by=admin, idempotency_key="sub-refund")
    assert refund.status == "succeeded"
    # The refund went to the PaymentIntent that paid the subscription's first invoice.
    sent = [r[2] for r in providers.requests if r[1] == "/v1/refunds"]
    paid_with = providers.invoices[payment.provider_order_id]["payment_intent"]
    assert sent == [
        {
            "amount": "999",
            "payment_intent": paid_with,
            **{k: v for k, v in sent[0].items() if k.startswith("metadata")},
        }
    ]
    assert Subscription.objects.get().status == SubscriptionStatus.CANCELED
    assert current_plan(student) != premium_plan
    # Stripe is told after commit, by a Celery task (run here in-process); the other
    # callback announces the refund on the activity bus.
    assert len(callbacks) == 2
    assert providers.subscriptions[subscription_id]["status"] == "incomplete"
    tasks.cancel_stripe_subscription(subscription_id)
    assert (
        "DELETE",
        f"/v1/subscriptions/{subscription_id}?prorate=false",
    ) in [r[:2] for r in providers.requests]
    assert providers.subscriptions[subscription_id]["status"] == "canceled"
    # A retry after Stripe already canceled it is harmless.
    tasks.cancel_stripe_subscription(subscription_id)


def test_partial_refund_keeps_the_subscription(
    api_client, client, student, premium_plan, providers, django_capture_on_commit_callbacks
):
    from payments.services import refund_payment

    payment, subscription_id = subscribe_with_stripe(
        api_client, client, student, premium_plan, providers
    )
    with django_capture_on_commit_callbacks() as callbacks:
        refund_payment(payment, amount=Decimal("2.00"), idempotency_key="part")
    # Only the refund's announcement on the activity bus: no cancellation task.
    assert [c.__qualname__ for c in callbacks] == ["record.<locals>.<lambda>"]
    assert Subscription.objects.get().status == SubscriptionStatus.ACTIVE
    assert providers.subscriptions[subscription_id]["status"] != "canceled"


def test_customer_cancels_at_period_end_at_stripe(
    api_client, client, student, other_student, premium_plan, providers
):
    _, subscription_id = subscribe_with_stripe(api_client, client, student, premium_plan, providers)
    subscription = Subscription.objects.get()
    api_client.force_login(other_student)
    url = f"/api/v1/payments/subscriptions/{subscription.pk}/cancel/"
    assert api_client.post(url).status_code == 404
    assert providers.subscriptions[subscription_id]["cancel_at_period_end"] is False

    api_client.force_login(student)
    response = api_client.post(url)
    assert response.status_code == 200, response.json()
    assert response.json()["cancel_at_period_end"] is True
    assert response.json()["status"] == "active"
    update = [
        r for r in providers.requests if r[:2] == ("POST", f"/v1/subscriptions/{subscription_id}")
    ]
    assert [r[2] for r in update] == [{"cancel_at_period_end": "true"}]
    assert providers.subscriptions[subscription_id]["cancel_at_period_end"] is True
    # Still premium until the paid period ends.
    assert current_plan(student) == premium_plan
    api_client.post(url)
    assert (
        len([r for r in providers.requests if r[1] == f"/v1/subscriptions/{subscription_id}"]) == 1
    )
