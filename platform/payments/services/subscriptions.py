"""Subscriptions at Stripe: the customer's own cancellation."""

import logging

import stripe

from accounts.models import User
from credits.models import Subscription, SubscriptionStatus
from credits.services import stop_renewal

from ..errors import (
    ProviderError,
    SubscriptionNotFound,
)
from ..models import (
    Provider,
)
from ..providers import stripe_client

logger = logging.getLogger(__name__)


def cancel_stripe_subscription(subscription_id: str, *, at_period_end: bool = False) -> None:
    """Stops Stripe Billing from charging again: at once (after a full refund) or when the
    paid period ends (the customer's own cancellation). Canceling twice is harmless."""
    client = stripe_client()
    try:
        if at_period_end:
            client.v1.subscriptions.update(
                subscription_id,
                params={"cancel_at_period_end": True},
                options={"idempotency_key": f"cancel-at-period-end:{subscription_id}"},
            )
        else:
            client.v1.subscriptions.cancel(subscription_id, params={"prorate": False})
    except stripe.InvalidRequestError as error:
        remote = stripe_client().v1.subscriptions.retrieve(subscription_id)
        if remote.status != "canceled":
            raise
        logger.info("subscription %s was already canceled at Stripe: %s", subscription_id, error)


def cancel_subscription(user: User, subscription: Subscription) -> Subscription:
    """The customer's own cancellation: the plan stays until the paid period ends and is
    not renewed. Stripe Billing is told first; prepaid periods (Razorpay, bank transfer)
    never renew anyway."""
    if subscription.user_id != user.pk:
        raise SubscriptionNotFound()
    if subscription.status == SubscriptionStatus.CANCELED or subscription.cancel_at_period_end:
        return subscription
    if subscription.provider in (Provider.STRIPE, Provider.PAYPAL) and (
        subscription.provider_subscription_id.startswith("sub_")
    ):
        try:
            cancel_stripe_subscription(subscription.provider_subscription_id, at_period_end=True)
        except (stripe.StripeError, OSError) as error:
            raise ProviderError() from error
    stop_renewal([subscription.pk])
    subscription.refresh_from_db()
    return subscription
