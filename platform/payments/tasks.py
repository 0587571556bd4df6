import stripe
from celery import shared_task

from . import services


@shared_task(name="payments.reconcile_pending")
def reconcile_pending() -> dict[str, int]:
    """Settles payments whose webhook never came; scheduled by a beat row (migration 0002)."""
    return services.reconcile_pending()


@shared_task(
    name="payments.cancel_stripe_subscription",
    autoretry_for=(stripe.APIConnectionError, stripe.RateLimitError, OSError),
    retry_backoff=True,
    max_retries=8,
)
def cancel_stripe_subscription(subscription_id: str, at_period_end: bool = False) -> None:
    """Cancels at Stripe a subscription that a full refund ended here (at once), or whose
    owner deleted their account (at the end of the paid period)."""
    services.cancel_stripe_subscription(subscription_id, at_period_end=at_period_end)
