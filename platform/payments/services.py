"""Writes on payments: checkout, recording what providers report, refunds, reconciliation.

Provider HTTP calls are made outside database transactions (a slow provider must not hold
row locks); every state change happens under a lock on the payment row.
"""

import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

import razorpay
import stripe
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from stripe.params import RefundCreateParams

from accounts.models import User
from core.api.errors import ServiceError
from credits.models import Subscription, SubscriptionStatus, Transfer
from credits.services import post_transfer, stop_renewal

from . import purposes
from .conf import bank_transfer_minimum, demo_enabled, refund_retry_delays, setting
from .demo_cards import DECLINE_REASON, TEST_CARDS, CardOutcome, card_for
from .errors import (
    InvalidSignature,
    NoActionPending,
    PaymentNotPayable,
    ProviderError,
    ProviderUnavailable,
    RefundNotAllowed,
    RefundNotResolvable,
    ResolutionNoteRequired,
    SubscriptionNotFound,
)
from .invoices import issue_credit_note, issue_invoice
from .ledger import clearing_to_revenue
from .models import (
    OPEN_REFUND_STATUSES,
    BillingCustomer,
    Payment,
    PaymentStatus,
    Provider,
    Refund,
    RefundStatus,
    from_minor,
    to_minor,
)
from .notifications import REFUND_ATTENTION
from .providers import razorpay_client, stripe_client, stripe_payment_method_types
from .signals import payment_succeeded

logger = logging.getLogger(__name__)

FINAL_STATUSES = frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.MISMATCH})


@dataclass(frozen=True)
class Checkout:
    payment: Payment
    client: dict[str, Any]


# --- Checkout ----------------------------------------------------------------------------------


def start_checkout(
    user: User,
    *,
    purpose: str,
    item: dict[str, Any],
    provider: str,
    currency: str,
    idempotency_key: str = "",
) -> Checkout:
    """Creates a pending payment at the server's price and asks the provider for what its
    client needs (a PaymentIntent's client secret, a Razorpay order, bank details)."""
    if idempotency_key:
        existing = Payment.objects.filter(user=user, idempotency_key=idempotency_key).first()
        if existing is not None:
            return Checkout(existing, existing.client_data)

    handler = purposes.get(purpose)
    quote = handler.quote(user, item, currency)
    if provider == Provider.BANK_TRANSFER and quote.amount < bank_transfer_minimum(currency):
        raise ProviderUnavailable(
            f"Bank transfer is for amounts from {bank_transfer_minimum(currency)} {currency}."
        )
    if provider == Provider.RAZORPAY and not setting("RAZORPAY_KEY_ID"):
        raise ProviderUnavailable("Razorpay is not configured on this server.")
    if provider == Provider.DEMO and not demo_enabled():
        raise ProviderUnavailable(DEMO_DISABLED)
    if provider in (Provider.STRIPE, Provider.PAYPAL):
        stripe_payment_method_types(provider, currency)  # refuses PayPal where not offered
        if not setting("STRIPE_SECRET_KEY"):
            raise ProviderUnavailable("Stripe is not configured on this server.")

    try:
        payment = Payment.objects.create(
            user=user,
            purpose=purpose,
            item=quote.item,
            description=quote.description,
            amount=quote.amount,
            currency=currency,
            provider=provider,
            idempotency_key=idempotency_key,
        )
    except IntegrityError:
        existing = Payment.objects.get(user=user, idempotency_key=idempotency_key)
        return Checkout(existing, existing.client_data)

    try:
        if provider == Provider.BANK_TRANSFER:
            client = _bank_transfer_checkout(payment)
        elif provider == Provider.RAZORPAY:
            client = _razorpay_checkout(payment)
        elif provider == Provider.DEMO:
            # A recurring purpose (a plan) is paid like Razorpay's: one payment, one
            # prepaid period, activated by the purpose's fulfil.
            client = _demo_checkout(payment)
        elif handler.recurring and quote.stripe_price_id and provider == Provider.STRIPE:
            client = _stripe_subscription_checkout(payment, quote.stripe_price_id)
        else:
            client = _stripe_checkout(payment)
    except (
        stripe.StripeError,
        razorpay.errors.BadRequestError,
        razorpay.errors.ServerError,
        OSError,
    ) as error:
        logger.warning("checkout at %s failed for payment %s: %s", provider, payment.pk, error)
        Payment.objects.filter(pk=payment.pk).update(
            status=PaymentStatus.FAILED, failure_reason=str(error)[:255]
        )
        raise ProviderError() from error
    client = {"payment_id": str(payment.pk), "provider": provider, **client}
    Payment.objects.filter(pk=payment.pk).update(client_data=client)
    payment.client_data = client
    payment.refresh_from_db(fields=["provider_order_id"])
    return Checkout(payment, client)


def _stripe_checkout(payment: Payment) -> dict[str, Any]:
    intent = stripe_client().v1.payment_intents.create(
        params={
            "amount": payment.minor_amount,
            "currency": payment.currency.lower(),
            # API 2026-10-28.endive (the SDK's pinned version) takes the allowed list under
            # this name; the PaymentIntent still answers with `payment_method_types`.
            "allowed_payment_method_types": stripe_payment_method_types(
                payment.provider, payment.currency
            ),
            "description": payment.description,
            "metadata": {"payment_id": str(payment.pk), "purpose": payment.purpose},
        },
        options={"idempotency_key": f"payment:{payment.pk}"},
    )
    Payment.objects.filter(pk=payment.pk).update(provider_order_id=intent.id)
    return {
        "publishable_key": setting("STRIPE_PUBLISHABLE_KEY"),
        "client_secret": intent.client_secret,
        "payment_intent": intent.id,
        "amount": payment.minor_amount,
        "currency": payment.currency,
        "payment_method_types": list(intent.payment_method_types or []),
    }


def _stripe_customer(user: User) -> str:
    customer = BillingCustomer.objects.filter(user=user, provider=Provider.STRIPE).first()
    if customer is not None:
        return customer.customer_id
    created = stripe_client().v1.customers.create(
        params={
            "email": user.email,
            "name": user.get_full_name(),
            "metadata": {"user": str(user.pk)},
        },
        options={"idempotency_key": f"customer:{user.pk}"},
    )
    BillingCustomer.objects.get_or_create(
        user=user, provider=Provider.STRIPE, defaults={"customer_id": created.id}
    )
    return created.id


def _stripe_subscription_checkout(payment: Payment, price_id: str) -> dict[str, Any]:
    """Stripe Billing: an incomplete subscription whose first invoice the client confirms
    with the returned secret; `invoice.paid` events then activate and renew it."""
    subscription = stripe_client().v1.subscriptions.create(
        params={
            "customer": _stripe_customer(payment.user),
            "items": [{"price": price_id}],
            "payment_behavior": "default_incomplete",
            "payment_settings": {"save_default_payment_method": "on_subscription"},
            "expand": ["latest_invoice.confirmation_secret"],
            "metadata": {"payment_id": str(payment.pk), "user": str(payment.user_id)},
        },
        options={"idempotency_key": f"subscription:{payment.pk}"},
    )
    # latest_invoice is expanded (see "expand" above), so it is an Invoice, not its id.
    invoice = cast(stripe.Invoice, subscription.latest_invoice)
    if invoice.confirmation_secret is None:
        raise stripe.InvalidRequestError("The subscription's invoice has no secret.", None)
    Payment.objects.filter(pk=payment.pk).update(
        provider_order_id=invoice.id, item={**payment.item, "subscription": subscription.id}
    )
    payment.item = {**payment.item, "subscription": subscription.id}
    return {
        "publishable_key": setting("STRIPE_PUBLISHABLE_KEY"),
        "client_secret": invoice.confirmation_secret.client_secret,
        "subscription": subscription.id,
        "amount": payment.minor_amount,
        "currency": payment.currency,
    }


def _razorpay_checkout(payment: Payment) -> dict[str, Any]:
    order = razorpay_client().order.create(
        {
            "amount": payment.minor_amount,
            "currency": payment.currency,
            "receipt": str(payment.pk)[:40],
            "notes": {"payment_id": str(payment.pk), "purpose": payment.purpose},
        }
    )
    if order.get("amount") != payment.minor_amount or order.get("currency") != payment.currency:
        raise razorpay.errors.ServerError("Razorpay created an order for another amount.")
    Payment.objects.filter(pk=payment.pk).update(provider_order_id=order["id"])
    return {
        "key_id": setting("RAZORPAY_KEY_ID"),
        "order_id": order["id"],
        "amount": payment.minor_amount,
        "currency": payment.currency,
        "name": "Toto",
        "description": payment.description,
        "prefill": {"email": payment.user.email, "name": payment.user.get_full_name()},
    }


def _bank_transfer_checkout(payment: Payment) -> dict[str, Any]:
    reference = f"TOTO-{secrets.token_hex(4).upper()}"
    Payment.objects.filter(pk=payment.pk).update(provider_order_id=reference)
    return {
        "reference": reference,
        "amount": str(payment.amount),
        "currency": payment.currency,
        "bank_details": setting("BANK_TRANSFER_DETAILS"),
    }


DEMO_DISABLED = "The demo payment provider is turned off on this server."


def _demo_checkout(payment: Payment) -> dict[str, Any]:
    Payment.objects.filter(pk=payment.pk).update(provider_order_id=f"demo_{secrets.token_hex(10)}")
    return {
        "demo": True,
        "amount": payment.minor_amount,
        "currency": payment.currency,
        "description": payment.description,
        "test_cards": [
            {"number": card.number, "outcome": card.outcome.value, "label": str(card.label)}
            for card in TEST_CARDS
        ],
    }


# --- Recording what happened -------------------------------------------------------------------


def mark_succeeded(
    payment: Payment,
    *,
    amount: Decimal,
    currency: str,
    provider_payment_id: str = "",
    fingerprint: str = "",
    item_updates: dict[str, Any] | None = None,
    confirmed_by: User | None = None,
) -> Payment:
    """Records that the provider took ``amount``. If that is not what we asked for the
    payment is parked for review and nothing is fulfilled. Idempotent."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if fingerprint and not payment.payment_fingerprint:
            payment.payment_fingerprint = fingerprint
            payment.save(update_fields=["payment_fingerprint", "updated_at"])
        if payment.status in FINAL_STATUSES:
            return payment
        if amount != payment.amount or currency.upper() != payment.currency:
            logger.error(
                "payment %s: provider reported %s %s, expected %s %s",
                payment.pk,
                amount,
                currency,
                payment.amount,
                payment.currency,
            )
            payment.status = PaymentStatus.MISMATCH
            payment.failure_reason = f"Provider reported {amount} {currency.upper()}."
            payment.save(update_fields=["status", "failure_reason", "updated_at"])
            return payment
        payment.status = PaymentStatus.SUCCEEDED
        payment.succeeded_at = timezone.now()
        payment.provider_payment_id = provider_payment_id or payment.provider_payment_id
        payment.confirmed_by = confirmed_by
        if item_updates:
            payment.item = {**payment.item, **item_updates}
        payment.save()
        purposes.get(payment.purpose).fulfil(payment)
        issue_invoice(payment)
        payment_succeeded.send(sender=Payment, payment=payment)
    return payment


def mark_failed(
    payment: Payment, *, reason: str, status: PaymentStatus = PaymentStatus.FAILED
) -> Payment:
    """A failure never overrides a success (events arrive in any order)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.status == PaymentStatus.PENDING:
            payment.status = status
            payment.failure_reason = reason[:255]
            payment.save(update_fields=["status", "failure_reason", "updated_at"])
    return payment


def confirm_razorpay_payment(
    payment: Payment, *, order_id: str, payment_id: str, signature: str
) -> Payment:
    """The Razorpay checkout's success handler posts these three values: the signature
    proves the payment belongs to our order; the amount is then read back from Razorpay."""
    client = razorpay_client()
    if order_id != payment.provider_order_id:
        raise InvalidSignature("This Razorpay order belongs to another payment.")
    try:
        client.utility.verify_payment_signature(
            {
                "razorpay_order_id": order_id,
                "razorpay_payment_id": payment_id,
                "razorpay_signature": signature,
            }
        )
    except razorpay.errors.SignatureVerificationError as error:
        raise InvalidSignature() from error
    remote = client.payment.fetch(payment_id)
    if remote.get("order_id") != order_id or remote.get("status") != "captured":
        return payment  # authorised but not captured yet: the webhook or reconciliation ends it
    return mark_succeeded(
        payment,
        amount=from_minor(remote["amount"]),
        currency=remote["currency"],
        provider_payment_id=payment_id,
        fingerprint=_razorpay_fingerprint(remote),
    )


@dataclass(frozen=True)
class DemoOutcome:
    payment: Payment
    # succeeded, failed, requires_action, or the status of a payment settled before.
    status: str
    message: str


def confirm_demo_payment(payment: Payment, *, card: str = "", action: str = "") -> DemoOutcome:
    """The demo provider's card form, standing in for what Stripe.js and Stripe's webhook do
    together: a test card settles the payment through ``mark_succeeded`` (ledger, invoice,
    the purpose's fulfilment), the declined card through ``mark_failed``, the 3-D Secure
    card waits for ``action`` "approve" or "cancel". A failed payment may be paid again
    with another card, as a Stripe PaymentIntent may; a settled one answers its status."""
    if payment.provider != Provider.DEMO:
        raise ProviderUnavailable("Only demo payments are paid with test cards.")
    if not demo_enabled():
        raise ProviderUnavailable(DEMO_DISABLED)
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        if locked.status in FINAL_STATUSES:
            return DemoOutcome(locked, locked.status, _demo_message(locked.status))
        if locked.status not in (PaymentStatus.PENDING, PaymentStatus.FAILED):
            raise PaymentNotPayable()
        waiting = locked.client_data.get("next_action") == "confirm"
        if action:
            if not waiting:
                raise NoActionPending()
            last4 = str(locked.client_data.get("card_last4", ""))
            _set_demo_step(locked, None)
            if action == "cancel":
                return _demo_failed(locked, "You canceled the confirmation of this payment.")
        else:
            test_card = card_for(card)
            if test_card is None:  # the serializer refuses unknown numbers first
                raise ProviderUnavailable("That is not one of the demo test cards.")
            last4 = test_card.last4
            if test_card.outcome == CardOutcome.DECLINE:
                _set_demo_step(locked, None)
                return _demo_failed(locked, DECLINE_REASON)
            if test_card.outcome == CardOutcome.REQUIRES_ACTION:
                _set_demo_step(locked, last4)
                if locked.status == PaymentStatus.FAILED:  # a new attempt after a decline
                    locked.status = PaymentStatus.PENDING
                    locked.failure_reason = ""
                    locked.save(update_fields=["status", "failure_reason", "updated_at"])
                return DemoOutcome(locked, "requires_action", _demo_message("requires_action"))
        settled = mark_succeeded(
            locked,
            amount=locked.amount,
            currency=locked.currency,
            provider_payment_id=f"demo_ch_{secrets.token_hex(10)}",
            fingerprint=f"demo-card-{last4}",
        )
    return DemoOutcome(settled, settled.status, _demo_message(settled.status))


def _set_demo_step(payment: Payment, last4: str | None) -> None:
    """Whether the 3-D Secure card's confirmation is awaited, kept in the client data as
    Stripe's PaymentIntent keeps its ``next_action``."""
    data = {
        key: value
        for key, value in payment.client_data.items()
        if key not in ("next_action", "card_last4")
    }
    if last4 is not None:
        data |= {"next_action": "confirm", "card_last4": last4}
    if data != payment.client_data:
        payment.client_data = data
        payment.save(update_fields=["client_data", "updated_at"])


def _demo_failed(payment: Payment, reason: str) -> DemoOutcome:
    if payment.status == PaymentStatus.PENDING:
        payment = mark_failed(payment, reason=reason)
    else:  # failed before: this attempt's reason replaces the last one
        payment.failure_reason = reason
        payment.save(update_fields=["failure_reason", "updated_at"])
    return DemoOutcome(payment, PaymentStatus.FAILED, reason)


def _demo_message(status: str) -> str:
    return {
        PaymentStatus.SUCCEEDED: "Payment received (demo: no real money was taken).",
        PaymentStatus.MISMATCH: "This payment is being reviewed.",
        "requires_action": "Confirm this payment to finish it (like your bank's 3-D Secure).",
    }.get(status, "")


def _razorpay_fingerprint(remote: dict[str, Any]) -> str:
    card = remote.get("card") or {}
    return str(card.get("id") or remote.get("vpa") or remote.get("email") or "")[:100]


def confirm_bank_transfer(payment: Payment, *, by: User, amount: Decimal | None = None) -> Payment:
    if payment.provider != Provider.BANK_TRANSFER:
        raise ProviderUnavailable("Only bank transfers are confirmed by hand.")
    return mark_succeeded(
        payment,
        amount=payment.amount if amount is None else amount,
        currency=payment.currency,
        confirmed_by=by,
    )


# --- Refunds -----------------------------------------------------------------------------------


def refund_payment(
    payment: Payment,
    *,
    amount: Decimal | None = None,
    reason: str = "",
    by: User | None = None,
    idempotency_key: str,
) -> Refund:
    """Refunds all of what is left (or ``amount``) at the provider, then reverses the ledger
    through the payment's purpose and issues a credit note.

    If the provider cannot be reached or fails (5xx, 429, timeout) the refund is returned
    as ``retrying`` and the retry sweep sends it again later; if the provider refuses it
    (4xx) it is returned as ``attention`` and finance admins are told. Either way the held
    money stays where it is until the provider confirms."""
    existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        open_amount = sum(
            (r.amount for r in locked.refunds.filter(status__in=OPEN_REFUND_STATUSES)),
            Decimal("0"),
        )
        amount = locked.refundable - open_amount if amount is None else amount
        if (
            locked.status != PaymentStatus.SUCCEEDED
            or amount <= 0
            or amount > locked.refundable - open_amount
        ):
            raise RefundNotAllowed()
        refund = Refund.objects.create(
            payment=locked,
            amount=amount,
            reason=reason,
            requested_by=by,
            idempotency_key=idempotency_key,
            attempts=1,
            next_retry_at=timezone.now() + _send_lease(),
        )
    return _send_refund(locked, refund)


def _send_lease() -> timedelta:
    return timedelta(seconds=int(setting("REFUND_SEND_LEASE_SECONDS")))


PROVIDER_ERRORS: tuple[type[BaseException], ...] = (
    stripe.StripeError,
    razorpay.errors.BadRequestError,
    razorpay.errors.GatewayError,
    razorpay.errors.ServerError,
    OSError,
    ServiceError,
)


def is_retryable(error: BaseException) -> bool:
    """A failure that may go away by itself: the provider unreachable or timing out, a 5xx,
    a 429. A provider's answer about the request itself (4xx: already refunded, invalid
    request, authentication) is definitive: sending it again changes nothing."""
    if isinstance(error, stripe.StripeError):
        if isinstance(error, (stripe.APIConnectionError, stripe.RateLimitError)):
            return True
        status = error.http_status
        return status is None or status >= 500 or status == 429
    if isinstance(error, (razorpay.errors.ServerError, razorpay.errors.GatewayError)):
        return True  # the SDK raises ServerError for every non-4xx error code
    if isinstance(error, razorpay.errors.BadRequestError):
        return False
    return isinstance(error, OSError)  # connection refused, timeouts (requests' errors too)


def _send_refund(payment: Payment, refund: Refund) -> Refund:
    """One send of a refund this process has claimed (status pending, lease taken)."""
    try:
        provider_refund_id, done = _refund_at_provider(payment, refund)
    except PROVIDER_ERRORS as error:
        logger.warning("refund %s at %s failed: %r", refund.pk, payment.provider, error)
        return _refund_attempt_failed(refund, error)
    claimed = Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(
        provider_refund_id=provider_refund_id, next_retry_at=None
    )
    refund.refresh_from_db()
    # Not pending any more: a webhook settled it meanwhile (succeeded, or failed at the
    # provider already: then this answer's "done" is stale and must not book it).
    if done and claimed:
        refund = complete_refund(refund)
    return refund


def _refund_attempt_failed(refund: Refund, error: BaseException) -> Refund:
    retryable = is_retryable(error)
    delays = refund_retry_delays()
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("payment")
            .get(pk=refund.pk)
        )
        if refund.status != RefundStatus.PENDING or refund.provider_refund_id:
            return refund  # a webhook settled it meanwhile
        detail = getattr(error, "user_message", None) or str(error) or type(error).__name__
        refund.last_error = f"{type(error).__name__}: {detail}"[:255]
        if retryable and refund.attempts <= len(delays):
            refund.status = RefundStatus.RETRYING
            refund.next_retry_at = timezone.now() + timedelta(seconds=delays[refund.attempts - 1])
        else:
            refund.status = RefundStatus.ATTENTION
            refund.next_retry_at = None
            if not retryable:
                # Nothing was refunded: an admin's retry may use a new key (a provider replays
                # a stored refusal for the same key).
                refund.provider_key = f"refund:{refund.pk}:{refund.attempts}"
            why = (
                f"the provider still failed after {refund.attempts} attempts"
                if retryable
                else "the provider refused it"
            )
            _notify_finance_admins(
                refund,
                f"It was not sent: {why} ({refund.last_error}). Retry it from the finance admin.",
            )
        refund.save(update_fields=["status", "last_error", "next_retry_at", "provider_key"])
    return refund


def _notify_finance_admins(refund: Refund, body: str) -> None:
    """Every finance admin (``payments.add_refund``, superusers included) is told, in the
    app and by email, with a link to "Refunds needing attention". Runs in the caller's
    transaction: nothing is sent if it rolls back."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q
    from django.urls import reverse

    from notifications.services import notify

    permission = Permission.objects.get(content_type__app_label="payments", codename="add_refund")
    admins = User.objects.filter(
        Q(is_superuser=True) | Q(groups__permissions=permission) | Q(user_permissions=permission),
        is_active=True,
    ).distinct()
    for admin in admins:
        notify(
            admin,
            REFUND_ATTENTION,
            f"Refund of {refund.amount} {refund.payment.currency} needs attention",
            body,
            {"refund": str(refund.pk), "payment": str(refund.payment_id)},
            url=reverse("finance_refund_attention:index"),
        )


def retry_refund(
    refund_id: str, *, force: bool = False, now: datetime | None = None
) -> Refund | None:
    """Sends a refund again if it is due (``force``: an admin's "retry now", for refunds
    retrying or needing attention). The claim happens under a row lock that other workers
    skip, and moves the refund back to pending with a lease, so two runs never send the same
    refund at once. Returns None when another worker holds it."""
    now = now or timezone.now()
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("payment")
            .filter(pk=refund_id)
            .first()
        )
        if refund is None:
            return None
        stalled = (
            refund.status == RefundStatus.PENDING
            and not refund.provider_refund_id
            and refund.next_retry_at is not None
        )
        due = (
            (refund.status == RefundStatus.RETRYING or stalled)
            and refund.next_retry_at is not None
            and refund.next_retry_at <= now
        )
        if not (due or (force and refund.can_retry_now)):
            return refund
        refund.status = RefundStatus.PENDING
        refund.attempts += 1
        refund.next_retry_at = now + _send_lease()
        refund.save(update_fields=["status", "attempts", "next_retry_at"])
    payment = refund.payment
    try:
        found = _refund_found_at_provider(payment, refund)
    except PROVIDER_ERRORS as error:
        return _refund_attempt_failed(refund, error)
    if found is not None:
        provider_refund_id, done = found
        Refund.objects.filter(pk=refund.pk).update(
            provider_refund_id=provider_refund_id, next_retry_at=None
        )
        refund.refresh_from_db()
        return complete_refund(refund) if done else refund
    return _send_refund(payment, refund)


def retry_due_refunds(now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """The retry sweep (Celery beat, every minute): sends again every refund whose retry is
    due, and takes over sends whose worker never reported back."""
    now = now or timezone.now()
    due = list(
        Refund.objects.filter(
            Q(status=RefundStatus.RETRYING) | Q(status=RefundStatus.PENDING, provider_refund_id=""),
            next_retry_at__lte=now,
        )
        .order_by("next_retry_at")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"due": len(due), "succeeded": 0, "retrying": 0, "attention": 0, "skipped": 0}
    for refund_id in due:
        refund = retry_refund(str(refund_id), now=now)
        if refund is None:
            counts["skipped"] += 1
        elif refund.status == RefundStatus.SUCCEEDED:
            counts["succeeded"] += 1
        elif refund.status == RefundStatus.RETRYING:
            counts["retrying"] += 1
        elif refund.status == RefundStatus.ATTENTION:
            counts["attention"] += 1
    return counts


def _refund_found_at_provider(payment: Payment, refund: Refund) -> tuple[str, bool] | None:
    """Razorpay takes no idempotency key for refunds: before sending one again, look for it
    by the refund id we put in its notes (a send that timed out may have gone through).
    Stripe needs no look-up: the same Idempotency-Key answers with the refund it made."""
    if payment.provider != Provider.RAZORPAY:
        return None
    listing = razorpay_client().payment.fetch_multiple_refund(payment.provider_payment_id)
    failed = refund.failed_provider_refund_ids
    for remote in listing.get("items", []):
        if remote.get("status") == "failed" or remote["id"] in failed:
            continue  # an earlier send that Razorpay failed: this retry makes a new one
        if (remote.get("notes") or {}).get("refund_id") == str(refund.pk):
            return remote["id"], remote.get("status") == "processed"
    return None


def _refund_at_provider(payment: Payment, refund: Refund) -> tuple[str, bool]:
    if payment.provider in (Provider.STRIPE, Provider.PAYPAL):
        params: RefundCreateParams = {
            "amount": to_minor(refund.amount),
            "metadata": {"refund_id": str(refund.pk), "payment_id": str(payment.pk)},
        }
        if payment.provider_order_id.startswith("pi_"):
            params["payment_intent"] = payment.provider_order_id
        elif payment.provider_order_id.startswith("in_"):
            params["payment_intent"] = _stripe_invoice_payment_intent(payment.provider_order_id)
        else:
            params["charge"] = payment.provider_payment_id
        result = stripe_client().v1.refunds.create(
            params=params, options={"idempotency_key": refund.idempotency_key_at_provider}
        )
        return result.id, result.status == "succeeded"
    if payment.provider == Provider.RAZORPAY:
        result = razorpay_client().payment.refund(
            payment.provider_payment_id,
            {"amount": to_minor(refund.amount), "notes": {"refund_id": str(refund.pk)}},
        )
        return result["id"], result.get("status") == "processed"
    if payment.provider == Provider.DEMO:
        return f"demo_re_{refund.pk.hex}", True  # no money moved, so none to send back
    # Bank transfers are refunded by hand: the admin who records it has sent the money.
    return "", True


def _stripe_invoice_payment_intent(invoice_id: str) -> str:
    """The PaymentIntent that paid a Stripe Billing invoice (invoices no longer carry it
    themselves: their payments are listed under /v1/invoice_payments)."""
    listing = stripe_client().v1.invoice_payments.list(
        params={"invoice": invoice_id, "status": "paid"}
    )
    for invoice_payment in listing.data:
        if invoice_payment.payment.type == "payment_intent":
            return str(invoice_payment.payment.payment_intent)
    raise RefundNotAllowed("Stripe reports no paid PaymentIntent for this invoice.")


def complete_refund(refund: Refund) -> Refund:
    """Books a refund the provider confirmed (or a finance admin made another way): the
    purpose reverses the ledger and a credit note is issued. A refund booked before whose
    money the provider then failed to return (``record_refund_failure``) only pays its
    cash out again: the rest of its booking never stopped standing."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status == RefundStatus.SUCCEEDED:
            return refund
        payment.amount_refunded += refund.amount
        payment.save(update_fields=["amount_refunded", "updated_at"])
        if refund.transfer_id is None:
            refund.transfer = purposes.get(payment.purpose).reverse(payment, refund)
        else:
            _refund_cash(payment, refund, paid_out=True)
        refund.status = RefundStatus.SUCCEEDED
        refund.completed_at = timezone.now()
        refund.next_retry_at = None
        refund.save()
        issue_credit_note(refund)
    return refund


def _refund_cash(payment: Payment, refund: Refund, *, paid_out: bool) -> Transfer:
    """The cash leg of a booked refund on its own: out to the provider (``paid_out``) or
    back from it when the provider failed the refund after accepting it. The money owed to
    the customer is held in revenue meanwhile, where the refund's booking took it from;
    keyed by the refund and its failure count, so each step posts once."""
    sign = 1 if paid_out else -1
    step = "paid" if paid_out else "failed"
    return post_transfer(
        kind=f"refund_{step}",
        idempotency_key=f"refund-{step}:{refund.pk}:{len(refund.failures)}",
        legs=clearing_to_revenue(payment.currency, -sign * refund.amount),
        memo=(
            f"Refund of {payment.description} paid out again"
            if paid_out
            else f"Refund of {payment.description} failed at the provider: money back"
        ),
        metadata={"payment": str(payment.pk), "refund": str(refund.pk)},
        reverses=None if paid_out else refund.transfer,
    )


def _find_refund(payment: Payment, provider_refund_id: str, refund_id: str) -> Refund | None:
    """Our refund for a provider's: by its id, by our id in its metadata or notes (anyone
    can type metadata in the provider's dashboard: not an id of ours is ignored), or as one
    of its failed sends."""
    try:
        ours = uuid.UUID(refund_id) if refund_id else None
    except ValueError:
        ours = None
    return (
        Refund.objects.filter(payment=payment, provider_refund_id=provider_refund_id).first()
        or (Refund.objects.filter(pk=ours, payment=payment).first() if ours else None)
        or _refund_that_failed_as(payment, provider_refund_id)
    )


def _refund_that_failed_as(payment: Payment, provider_refund_id: str) -> Refund | None:
    # A payment has a handful of refunds: looked through here rather than with a JSON
    # containment lookup, which SQLite (the development database) does not support.
    for refund in Refund.objects.filter(payment=payment).order_by("created_at"):
        if provider_refund_id in refund.failed_provider_refund_ids:
            return refund
    return None


def record_provider_refund(
    payment: Payment, *, provider_refund_id: str, amount: Decimal, refund_id: str = ""
) -> Refund | None:
    """A refund the provider reports (ours confirmed, or one made in its dashboard)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        refund = _find_refund(payment, provider_refund_id, refund_id)
        if refund is not None and provider_refund_id in refund.failed_provider_refund_ids:
            # A success event overtaken by the failure of the same provider refund: a
            # failure is final at both providers.
            logger.info("refund %s already failed at the provider: ignored", provider_refund_id)
            return refund
        if refund is None:
            if payment.status != PaymentStatus.SUCCEEDED or amount > payment.refundable:
                logger.error(
                    "refund %s of payment %s cannot be applied", provider_refund_id, payment.pk
                )
                return None
            refund = Refund.objects.create(
                payment=payment,
                amount=amount,
                reason="Refunded at the provider",
                provider_refund_id=provider_refund_id,
                idempotency_key=f"{payment.provider}:{provider_refund_id}",
            )
        elif not refund.provider_refund_id:
            refund.provider_refund_id = provider_refund_id
            refund.save(update_fields=["provider_refund_id"])
        return complete_refund(refund)


def record_refund_failure(
    payment: Payment, *, provider_refund_id: str, reason: str, refund_id: str = ""
) -> Refund | None:
    """A refund the provider accepted and then failed (Stripe's ``refund.failed``, a
    refund ``failed`` or ``canceled`` on ``refund.updated``; Razorpay's ``refund.failed``):
    the customer did not get the money. The refund goes back to "needs a finance admin",
    with the provider's reason; if it was booked, only its cash comes back in the ledger
    (the customer is still owed it: credits taken back, earnings reversed and the credit
    note stand), and finance admins are told. The learner is told nothing: payments never
    told them "refunded" either. Once per provider refund, in whatever order the events
    come."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        found = _find_refund(payment, provider_refund_id, refund_id)
        if found is None:
            logger.warning(
                "refund %s of payment %s failed at the provider but is not ours",
                provider_refund_id,
                payment.pk,
            )
            return None
        refund = Refund.objects.select_for_update().get(pk=found.pk)
        if provider_refund_id in refund.failed_provider_refund_ids:
            return refund  # this failure was recorded already
        failure: dict[str, Any] = {
            "provider_refund_id": provider_refund_id,
            "reason": reason[:200],
            "at": timezone.now().isoformat(),
            "reversal": "",
        }
        if refund.provider_refund_id and refund.provider_refund_id != provider_refund_id:
            # An older send, superseded by the one the refund now waits for: noted only.
            refund.failures = [*refund.failures, failure]
            refund.save(update_fields=["failures"])
            return refund
        booked = refund.status == RefundStatus.SUCCEEDED
        if booked:
            failure["reversal"] = str(_refund_cash(payment, refund, paid_out=False).pk)
            payment.amount_refunded -= refund.amount
            payment.save(update_fields=["amount_refunded", "updated_at"])
        refund.failures = [*refund.failures, failure]
        refund.status = RefundStatus.ATTENTION
        refund.provider_refund_id = ""
        refund.next_retry_at = None
        refund.completed_at = None
        refund.last_error = (
            f"{payment.get_provider_display()} failed the refund after accepting it: {reason}"
        )[:255]
        # A retry must make a new refund at the provider, not replay the failed one.
        refund.provider_key = f"refund:{refund.pk}:failed:{len(refund.failures)}"
        refund.save(
            update_fields=[
                "failures",
                "status",
                "provider_refund_id",
                "next_retry_at",
                "completed_at",
                "last_error",
                "provider_key",
            ]
        )
        _notify_finance_admins(
            refund,
            f"{payment.get_provider_display()} accepted it, then reported it failed ({reason}). "
            "The customer has not got the money back"
            + (" and the ledger has taken the refunded cash back" if booked else "")
            + ". Retry it, or mark it resolved once refunded another way, from the finance "
            "admin.",
        )
    return refund


def resolve_refund(refund: Refund, *, by: User, note: str) -> Refund:
    """A finance admin closes a refund needing attention: the customer got the money back
    another way (a bank transfer, the provider's dashboard …), said in ``note``. The refund
    is booked as made (or its cash paid out again, if it had been booked and then failed),
    and who, when and the note are kept on it and in Wagtail's audit log."""
    from wagtail.log_actions import log

    note = note.strip()
    if not note:
        raise ResolutionNoteRequired()
    with transaction.atomic():
        Payment.objects.select_for_update().get(pk=refund.payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if not refund.can_resolve:
            raise RefundNotResolvable()
        refund.resolved_by = by
        refund.resolved_at = timezone.now()
        refund.resolution_note = note
        refund.save(update_fields=["resolved_by", "resolved_at", "resolution_note"])
        refund = complete_refund(refund)
        log(
            instance=refund,
            action="payments.resolve_refund",
            user=by,
            data={"note": note, "amount": str(refund.amount)},
        )
    return refund


# --- Subscriptions at Stripe ------------------------------------------------------------------


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


# --- Reconciliation ----------------------------------------------------------------------------


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
            succeeded = _reconcile_one(payment)
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


def _reconcile_one(payment: Payment) -> bool:
    if payment.provider == Provider.RAZORPAY:
        collection = razorpay_client().order.payments(payment.provider_order_id)
        for remote in collection.get("items", []):
            if remote.get("status") in ("captured", "refunded"):
                mark_succeeded(
                    payment,
                    amount=from_minor(remote["amount"]),
                    currency=remote["currency"],
                    provider_payment_id=remote["id"],
                    fingerprint=_razorpay_fingerprint(remote),
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
