"""Provider webhooks: verify the signature with the provider's SDK, store the event once by
its id, and apply it. Handling and the event row commit together, so a failure lets the
provider retry and a duplicate delivery is a no-op."""

import hashlib
import json
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import razorpay
import stripe
from django.db import IntegrityError, transaction
from django.utils import timezone

from credits.models import Plan, PlanPrice, SubscriptionStatus
from credits.services import set_subscription_status

from . import services
from .conf import setting
from .errors import InvalidSignature
from .models import Payment, PaymentStatus, Provider, WebhookEvent, from_minor
from .services import confirmation, reconciliation
from .signals import provider_dispute

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProviderDispute:
    """A chargeback as either provider reports it, in one shape. ``status`` is the
    provider's own word (Stripe: needs_response, under_review, won, lost …; Razorpay: open,
    under_review, won, lost, closed); ``closed`` says the provider is done with it."""

    provider: str
    dispute_id: str
    amount: Decimal
    currency: str
    status: str
    reason: str
    closed: bool


def _dispute_reported(payment: Payment | None, dispute: ProviderDispute) -> None:
    if payment is None:
        logger.error("%s dispute %s for an unknown payment", dispute.provider, dispute.dispute_id)
        return
    provider_dispute.send(sender=ProviderDispute, payment=payment, dispute=dispute)


def _record_once(
    provider: Provider, event_id: str, event_type: str, payload: dict[str, Any]
) -> bool:
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(
                provider=provider,
                event_id=event_id,
                event_type=event_type,
                payload=payload,
                processed_at=timezone.now(),
            )
    except IntegrityError:
        return False
    return True


# --- Stripe ------------------------------------------------------------------------------------


def receive_stripe(payload: bytes, signature: str | None) -> bool:
    secret = setting("STRIPE_WEBHOOK_SECRET")
    if not secret:
        raise InvalidSignature("Stripe webhooks are not configured.")
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret)
    except (stripe.SignatureVerificationError, ValueError) as error:
        raise InvalidSignature() from error
    data = json.loads(payload)
    with transaction.atomic():
        if not _record_once(Provider.STRIPE, event.id, event.type, data):
            return False
        handle_stripe_event(data["type"], data["data"]["object"])
    return True


def _payment_by_order(
    provider_order_id: str | None, metadata: dict[str, Any] | None = None
) -> Payment | None:
    payment = None
    if provider_order_id:
        payment = Payment.objects.filter(
            provider__in=[Provider.STRIPE, Provider.PAYPAL], provider_order_id=provider_order_id
        ).first()
    if payment is None and metadata and metadata.get("payment_id"):
        payment = Payment.objects.filter(pk=metadata["payment_id"]).first()
    return payment


def _card_fingerprint(charge: dict[str, Any]) -> str:
    details = charge.get("payment_method_details") or {}
    for kind in ("card", "card_present", "sepa_debit"):
        fingerprint = (details.get(kind) or {}).get("fingerprint")
        if fingerprint:
            return str(fingerprint)
    return ""


# Events whose object is a Refund. A refund Stripe accepted may still fail (the card was
# closed, the bank refused it): ``refund.failed``, and ``status: "failed"`` with a
# ``failure_reason`` on the ``refund.updated``/``charge.refund.updated`` sent with it.
STRIPE_REFUND_EVENTS = frozenset(
    {"refund.created", "refund.updated", "refund.failed", "charge.refund.updated"}
)
STRIPE_REFUND_FAILED = ("failed", "canceled")
STRIPE_DISPUTE_EVENTS = frozenset(
    {"charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed"}
)
RAZORPAY_DISPUTE_EVENTS = frozenset(
    {
        "payment.dispute.created",
        "payment.dispute.under_review",
        "payment.dispute.action_required",
        "payment.dispute.won",
        "payment.dispute.lost",
        "payment.dispute.closed",
    }
)


def handle_stripe_event(event_type: str, obj: dict[str, Any]) -> None:
    if event_type == "payment_intent.succeeded":
        payment = _payment_by_order(obj["id"], obj.get("metadata"))
        if payment:
            services.mark_succeeded(
                payment,
                amount=from_minor(obj["amount_received"]),
                currency=obj["currency"],
                provider_payment_id=str(obj.get("latest_charge") or ""),
            )
    elif event_type == "charge.succeeded":
        payment = _payment_by_order(obj.get("payment_intent"), obj.get("metadata"))
        if payment and obj.get("paid") and obj.get("status") == "succeeded":
            services.mark_succeeded(
                payment,
                amount=from_minor(obj["amount"]),
                currency=obj["currency"],
                provider_payment_id=obj["id"],
                fingerprint=_card_fingerprint(obj),
            )
    elif event_type in ("payment_intent.payment_failed", "payment_intent.canceled"):
        payment = _payment_by_order(obj["id"], obj.get("metadata"))
        if payment:
            error = (obj.get("last_payment_error") or {}).get("message") or event_type
            status = (
                PaymentStatus.CANCELED if event_type.endswith("canceled") else PaymentStatus.FAILED
            )
            services.mark_failed(payment, reason=error, status=status)
    elif event_type in STRIPE_REFUND_EVENTS:
        refund_status = str(obj.get("status") or "")
        if refund_status not in ("succeeded", *STRIPE_REFUND_FAILED):
            return  # pending, requires_action: a later event says how it ended
        payment = _payment_by_order(obj.get("payment_intent"), obj.get("metadata"))
        if payment is None:
            return
        if refund_status in STRIPE_REFUND_FAILED:
            services.record_refund_failure(
                payment,
                provider_refund_id=obj["id"],
                reason=str(obj.get("failure_reason") or refund_status),
                refund_id=(obj.get("metadata") or {}).get("refund_id", ""),
            )
            return
        _settle_before_refund(payment)
        services.record_provider_refund(
            payment,
            provider_refund_id=obj["id"],
            amount=from_minor(obj["amount"]),
            refund_id=(obj.get("metadata") or {}).get("refund_id", ""),
        )
    elif event_type in STRIPE_DISPUTE_EVENTS:
        dispute_status = str(obj.get("status") or "")
        _dispute_reported(
            _payment_by_order(obj.get("payment_intent"), obj.get("metadata"))
            or Payment.objects.filter(
                provider__in=[Provider.STRIPE, Provider.PAYPAL],
                provider_payment_id=str(obj.get("charge") or "-"),
            ).first(),
            ProviderDispute(
                provider=Provider.STRIPE,
                dispute_id=obj["id"],
                amount=from_minor(obj["amount"]),
                currency=str(obj["currency"]).upper(),
                status=dispute_status,
                reason=str(obj.get("reason") or ""),
                closed=event_type == "charge.dispute.closed"
                or dispute_status in ("won", "lost", "warning_closed"),
            ),
        )
    elif event_type == "invoice.paid":
        _stripe_invoice_paid(obj)
    elif event_type in ("customer.subscription.updated", "customer.subscription.deleted"):
        subscription_status = {
            "active": SubscriptionStatus.ACTIVE,
            "trialing": SubscriptionStatus.ACTIVE,
            "past_due": SubscriptionStatus.PAST_DUE,
            "unpaid": SubscriptionStatus.PAST_DUE,
            "canceled": SubscriptionStatus.CANCELED,
            "incomplete_expired": SubscriptionStatus.CANCELED,
        }.get(obj.get("status", ""))
        if event_type.endswith("deleted"):
            subscription_status = SubscriptionStatus.CANCELED
        if subscription_status is not None:
            set_subscription_status(
                provider=Provider.STRIPE,
                provider_subscription_id=obj["id"],
                status=subscription_status,
            )


class RetryLater(Exception):
    """Raised to answer 5xx so that the provider redelivers the event later."""


def _settle_before_refund(payment: Payment) -> None:
    """A refund event may overtake the payment's success event. A refunded payment was a paid
    one: ask the provider what was paid and record that first, or have the event redelivered."""
    if payment.status != PaymentStatus.PENDING:
        return
    try:
        settled = reconciliation.reconcile_one(payment)
    except (
        stripe.StripeError,
        razorpay.errors.BadRequestError,
        razorpay.errors.ServerError,
        OSError,
    ) as error:
        raise RetryLater(str(error)) from error
    if not settled:
        raise RetryLater(f"payment {payment.pk} is not yet recorded as paid")


def _invoice_subscription_id(invoice: dict[str, Any]) -> str:
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return str(details.get("subscription") or invoice.get("subscription") or "")


def _invoice_period_end(invoice: dict[str, Any]) -> str | None:
    lines = (invoice.get("lines") or {}).get("data") or []
    ends = [line.get("period", {}).get("end") for line in lines if line.get("period")]
    end = services.epoch(max(ends)) if ends else None
    return end.isoformat() if end else None


def _stripe_invoice_paid(invoice: dict[str, Any]) -> None:
    subscription_id = _invoice_subscription_id(invoice)
    payment = Payment.objects.filter(
        provider=Provider.STRIPE, provider_order_id=invoice["id"]
    ).first()
    if payment is None and subscription_id:
        # A renewal Stripe Billing charged on its own: the first payment tells who and what.
        first = (
            Payment.objects.filter(
                provider=Provider.STRIPE, purpose="subscription", item__subscription=subscription_id
            )
            .order_by("created_at")
            .first()
        )
        if first is None:
            logger.error("invoice %s for unknown subscription %s", invoice["id"], subscription_id)
            return
        plan = Plan.objects.get(slug=first.item["plan"])
        price = PlanPrice.objects.get(plan=plan, currency=first.currency)
        payment = Payment.objects.create(
            user=first.user,
            purpose="subscription",
            item={**first.item},
            description=f"{plan.name} renewal",
            amount=price.amount,
            currency=first.currency,
            provider=Provider.STRIPE,
            provider_order_id=invoice["id"],
        )
    if payment is None:
        return
    services.mark_succeeded(
        payment,
        amount=from_minor(invoice["amount_paid"]),
        currency=invoice["currency"],
        item_updates={"subscription": subscription_id, "period_end": _invoice_period_end(invoice)},
    )


# --- Razorpay ----------------------------------------------------------------------------------


def receive_razorpay(body: bytes, signature: str | None, event_id: str | None) -> bool:
    secret = setting("RAZORPAY_WEBHOOK_SECRET")
    if not secret or not signature:
        raise InvalidSignature()
    text = body.decode("utf-8")
    try:
        # The utility only needs the client for nothing but its own HMAC: no key is used.
        razorpay.Client(auth=("", "")).utility.verify_webhook_signature(text, signature, secret)
    except razorpay.errors.SignatureVerificationError as error:
        raise InvalidSignature() from error
    data = json.loads(text)
    # Razorpay sends the event id in a header; the body has none of its own.
    event_key = event_id or hashlib.sha256(body).hexdigest()
    with transaction.atomic():
        if not _record_once(Provider.RAZORPAY, event_key, data.get("event", ""), data):
            return False
        handle_razorpay_event(data.get("event", ""), data.get("payload") or {})
    return True


def handle_razorpay_event(event_type: str, payload: dict[str, Any]) -> None:
    entity = (payload.get("payment") or {}).get("entity") or {}
    if event_type in ("payment.captured", "order.paid"):
        payment = Payment.objects.filter(
            provider=Provider.RAZORPAY, provider_order_id=entity.get("order_id", "")
        ).first()
        if payment and entity.get("status") == "captured":
            services.mark_succeeded(
                payment,
                amount=from_minor(entity["amount"]),
                currency=entity["currency"],
                provider_payment_id=entity["id"],
                fingerprint=confirmation.razorpay_fingerprint(entity),
            )
    elif event_type == "payment.failed":
        payment = Payment.objects.filter(
            provider=Provider.RAZORPAY, provider_order_id=entity.get("order_id", "")
        ).first()
        if payment:
            services.mark_failed(payment, reason=entity.get("error_description") or "failed")
    elif event_type in RAZORPAY_DISPUTE_EVENTS:
        dispute = (payload.get("dispute") or {}).get("entity") or {}
        payment = Payment.objects.filter(
            provider=Provider.RAZORPAY,
            provider_payment_id=str(dispute.get("payment_id") or entity.get("id") or "-"),
        ).first()
        outcome = event_type.rsplit(".", 1)[1]
        _dispute_reported(
            payment,
            ProviderDispute(
                provider=Provider.RAZORPAY,
                dispute_id=dispute["id"],
                amount=from_minor(dispute["amount"]),
                currency=str(dispute.get("currency") or "INR").upper(),
                status=str(dispute.get("status") or outcome),
                reason=str(dispute.get("reason_description") or dispute.get("reason_code") or ""),
                closed=outcome in ("won", "lost", "closed"),
            ),
        )
    elif event_type == "refund.failed":
        refund = (payload.get("refund") or {}).get("entity") or {}
        payment = _razorpay_payment_of_refund(refund, entity)
        if payment is None:
            return
        notes = refund.get("notes")
        if not isinstance(notes, dict):
            notes = {}  # Razorpay sends [] for a refund without notes
        services.record_refund_failure(
            payment,
            provider_refund_id=refund["id"],
            # Razorpay's refund entity carries no reason of its own.
            reason=str(refund.get("error_description") or "Razorpay could not process it"),
            refund_id=str(notes.get("refund_id", "")),
        )
    elif event_type == "refund.processed":
        refund = (payload.get("refund") or {}).get("entity") or {}
        payment = _razorpay_payment_of_refund(refund, entity)
        if payment is None:
            return
        _settle_before_refund(payment)
        services.record_provider_refund(
            payment,
            provider_refund_id=refund["id"],
            amount=from_minor(refund["amount"]),
            refund_id=refund["notes"].get("refund_id", "")
            if isinstance(refund.get("notes"), dict)
            else "",
        )


def _razorpay_payment_of_refund(
    refund: dict[str, Any], payment_entity: dict[str, Any]
) -> Payment | None:
    payment = Payment.objects.filter(
        provider=Provider.RAZORPAY, provider_payment_id=refund.get("payment_id", "")
    ).first()
    if payment is None and payment_entity.get("order_id"):
        payment = Payment.objects.filter(
            provider=Provider.RAZORPAY, provider_order_id=payment_entity["order_id"]
        ).first()
    return payment
