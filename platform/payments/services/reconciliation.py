"""Reconciliation: asking providers about payments that never reported back."""

import logging
from datetime import UTC, datetime, timedelta

import razorpay
import stripe
from django.utils import timezone

from ..conf import setting
from ..errors import (
    ProviderUnavailable,
)
from ..models import (
    Payment,
    PaymentStatus,
    Provider,
    from_minor,
)
from ..providers import razorpay_client, stripe_client
from .confirmation import mark_failed, mark_succeeded, razorpay_fingerprint

logger = logging.getLogger(__name__)


def reconcile_pending(now: datetime | None = None) -> dict[str, int]:
    """Asks the providers about payments still pending after a few minutes (a webhook may
    have been lost) and expires the abandoned ones. Run periodically by Celery beat."""
    now = now or timezone.now()
    counts = {"checked": 0, "succeeded": 0, "expired": 0}
    expiry = now - timedelta(hours=int(setting("PAYMENT_PENDING_EXPIRY_HOURS")))
    pending = (
        Payment.objects.filter(
            status=PaymentStatus.PENDING, created_at__lt=now - timedelta(minutes=5)
        )
        .exclude(provider=Provider.BANK_TRANSFER)
        .exclude(provider_order_id="")
    )
    for payment in pending.order_by("created_at")[:500]:
        counts["checked"] += 1
        try:
            succeeded = reconcile_one(payment)
        except (
            stripe.StripeError,
            razorpay.errors.BadRequestError,
            razorpay.errors.ServerError,
            OSError,
            ProviderUnavailable,
        ) as error:
            logger.warning("reconciling payment %s failed: %s", payment.pk, error)
            continue
        if succeeded:
            counts["succeeded"] += 1
        elif payment.created_at < expiry:
            mark_failed(payment, reason="Abandoned checkout", status=PaymentStatus.EXPIRED)
            counts["expired"] += 1
    return counts


def reconcile_one(payment: Payment) -> bool:
    if payment.provider == Provider.RAZORPAY:
        collection = razorpay_client().order.payments(payment.provider_order_id)
        for remote in collection.get("items", []):
            if remote.get("status") in ("captured", "refunded"):
                mark_succeeded(
                    payment,
                    amount=from_minor(remote["amount"]),
                    currency=remote["currency"],
                    provider_payment_id=remote["id"],
                    fingerprint=razorpay_fingerprint(remote),
                )
                return True
        return False
    if payment.provider_order_id.startswith("pi_"):
        intent = stripe_client().v1.payment_intents.retrieve(payment.provider_order_id)
        if intent.status == "succeeded":
            mark_succeeded(
                payment,
                amount=from_minor(intent.amount_received),
                currency=intent.currency,
                provider_payment_id=str(intent.latest_charge or ""),
            )
            return True
        if intent.status == "canceled":
            mark_failed(payment, reason="Canceled at Stripe", status=PaymentStatus.CANCELED)
        return False
    return False


def epoch(seconds: int | None) -> datetime | None:
    return datetime.fromtimestamp(seconds, tz=UTC) if seconds else None
