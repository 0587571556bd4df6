"""Starting a payment: the amount from the purpose, the provider's checkout."""

import logging
import secrets
from dataclasses import dataclass
from typing import Any, cast

import razorpay
import stripe
from django.db import IntegrityError

from accounts.models import User

from .. import purposes
from ..conf import bank_transfer_allowed, bank_transfer_minimum, demo_enabled, setting
from ..demo_cards import TEST_CARDS
from ..errors import (
    ProviderError,
    ProviderUnavailable,
)
from ..models import (
    BillingCustomer,
    Payment,
    PaymentStatus,
    Provider,
)
from ..providers import razorpay_client, stripe_client, stripe_payment_method_types
from ..tax import quote_tax

logger = logging.getLogger(__name__)


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
    if provider == Provider.BANK_TRANSFER and not bank_transfer_allowed(quote.amount, currency):
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

    tax = quote_tax(
        user,
        purpose,
        quote.amount,
        # Stripe Billing charges its own price: the tax is inside it.
        force_inclusive=bool(quote.stripe_price_id) and provider == Provider.STRIPE,
    )
    try:
        payment = Payment.objects.create(
            user=user,
            purpose=purpose,
            item=quote.item,
            description=quote.description,
            amount=tax.amount,
            currency=currency,
            provider=provider,
            idempotency_key=idempotency_key,
            tax_rate=tax.rate,
            tax_amount=tax.tax,
            tax_name=tax.name,
            tax_country=tax.country,
            tax_inclusive=tax.inclusive,
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
