import stripe
from celery import shared_task

from . import services


@shared_task(name="payments.reconcile_pending")
def reconcile_pending() -> dict[str, int]:
    """Settles payments whose webhook never came; scheduled by a beat row (migration 0002)."""
    return services.reconcile_pending()


@shared_task(name="payments.retry_due_refunds")
def retry_due_refunds() -> dict[str, int]:
    """Sends again the refunds a provider failed, once their backoff is over; scheduled by a
    beat row (migration 0003_refund_retries)."""
    return services.retry_due_refunds()


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
