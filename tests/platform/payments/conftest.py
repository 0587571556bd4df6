import pytest
from django.contrib.auth.models import Group, Permission

from credits.testing import (  # noqa: F401
    feature_price,
    free_plan,
    give_credits,
    package,
    premium_plan,
)


@pytest.fixture
def pay_for_credits(client, providers):  # type: ignore[no-untyped-def]
    """Buys the "starter" package for a user: checkout, then Stripe's signed
    payment_intent.succeeded webhook for the PaymentIntent the checkout created."""
    from payments.models import Payment, PaymentStatus
    from payments.services import start_checkout
    from payments.testing import stripe_event

    def pay(user, currency: str = "USD") -> Payment:  # type: ignore[no-untyped-def]
        checkout = start_checkout(
            user,
            purpose="credits",
            item={"package": "starter"},
            provider="stripe",
            currency=currency,
        )
        intent = providers.pay_intent(checkout.payment.provider_order_id)
        payload, headers = stripe_event("payment_intent.succeeded", intent)
        client.post(
            "/api/v1/payments/webhooks/stripe/",
            payload,
            content_type="application/json",
            **headers,
        )
        checkout.payment.refresh_from_db()
        assert checkout.payment.status == PaymentStatus.SUCCEEDED
        return checkout.payment

    return pay


@pytest.fixture
def razorpay_payment(api_client, student, package, providers):  # type: ignore[no-untyped-def]  # noqa: F811
    """The starter package paid in INR through Razorpay's checkout (order, payment, the
    signed confirmation)."""
    from payments.models import Payment
    from payments.testing import razorpay_payment_signature

    api_client.force_login(student)
    body = {"purpose": "credits", "item": {"package": "starter"}, "provider": "razorpay"}
    checkout = api_client.post(
        "/api/v1/payments/checkout/", {**body, "currency": "INR"}, format="json"
    ).json()
    order_id = checkout["client"]["order_id"]
    paid = providers.pay_order(order_id)
    url = f"/api/v1/payments/{checkout['payment']['id']}/razorpay/confirm/"
    signature = razorpay_payment_signature(order_id, paid["id"])
    answer = api_client.post(
        url,
        {
            "razorpay_order_id": order_id,
            "razorpay_payment_id": paid["id"],
            "razorpay_signature": signature,
        },
        format="json",
    )
    assert answer.json()["status"] == "succeeded"
    return Payment.objects.get(pk=checkout["payment"]["id"])


@pytest.fixture
def bookkeeper(role_user):  # type: ignore[no-untyped-def]
    """Sees the finance admin but may not refund (no payments.add_refund)."""
    user = role_user(email="books@example.com")
    group = Group.objects.create(name="Bookkeepers")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["wagtailadmin", "payments"],
            codename__in=["access_admin", "view_refund", "view_payment", "change_payment"],
        )
    )
    user.groups.add(group)
    return user


@pytest.fixture
def failed_refund(request, student, providers, pay_for_credits):  # type: ignore[no-untyped-def]
    """``failed_refund(answer=(status, body), user=None)``: a paid credit package whose refund
    Stripe answers with ``answer`` (a 500 by default: retried; a 4xx: needs an admin)."""
    from payments.services import refund_payment
    from payments.testing import STRIPE_500

    request.getfixturevalue("package")  # the "starter" credit package bought

    def make(answer=(500, STRIPE_500), user=None):  # type: ignore[no-untyped-def]
        payment = pay_for_credits(user or student)
        providers.fail("/v1/refunds", answer)
        return refund_payment(payment, reason="Cancelled", idempotency_key=f"r:{payment.pk}")

    return make
