"""Recording what providers report: success, failure, Razorpay's confirmation, the demo
provider's test cards, a bank transfer received."""

import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import razorpay
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import activity

from .. import purposes
from ..conf import demo_enabled
from ..demo_cards import DECLINE_REASON, CardOutcome, card_for
from ..errors import (
    InvalidSignature,
    NoActionPending,
    PaymentNotPayable,
    ProviderUnavailable,
)
from ..invoices import issue_invoice
from ..models import (
    Payment,
    PaymentStatus,
    Provider,
    from_minor,
)
from ..providers import razorpay_client
from ..signals import payment_succeeded
from .checkout import DEMO_DISABLED

logger = logging.getLogger(__name__)

FINAL_STATUSES = frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.MISMATCH})


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
        activity.record(
            payment.user_id,
            "payments.paid",
            obj=payment,
            data={
                "payment_id": str(payment.pk),
                "purpose": payment.purpose,
                "amount_minor": payment.minor_amount,
                "currency": payment.currency,
            },
        )
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
        fingerprint=razorpay_fingerprint(remote),
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


def razorpay_fingerprint(remote: dict[str, Any]) -> str:
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
