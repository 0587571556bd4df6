import pytest

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
