"""The providers' SDK clients, configured from payments.conf. All HTTP to Stripe and Razorpay
goes through these two functions (tests point the base URLs at a local fake)."""

from typing import Any

import razorpay
import stripe

from .conf import setting
from .errors import ProviderUnavailable


def stripe_client() -> stripe.StripeClient:
    key = setting("STRIPE_SECRET_KEY")
    if not key:
        raise ProviderUnavailable("Stripe is not configured on this server.")
    options: dict[str, Any] = {"max_network_retries": 2}
    if setting("STRIPE_API_BASE"):
        options["base_addresses"] = {"api": setting("STRIPE_API_BASE")}
    return stripe.StripeClient(key, **options)


def razorpay_client() -> razorpay.Client:
    key_id, key_secret = setting("RAZORPAY_KEY_ID"), setting("RAZORPAY_KEY_SECRET")
    if not key_id or not key_secret:
        raise ProviderUnavailable("Razorpay is not configured on this server.")
    options: dict[str, Any] = {}
    if setting("RAZORPAY_API_BASE"):
        options["base_url"] = setting("RAZORPAY_API_BASE")
    return razorpay.Client(auth=(key_id, key_secret), **options)


def stripe_payment_method_types(provider: str, currency: str) -> list[str]:
    """PayPal is a Stripe payment method in the currencies the account offers it in."""
    paypal = currency in setting("STRIPE_PAYPAL_CURRENCIES")
    if provider == "paypal":
        if not paypal:
            raise ProviderUnavailable(f"PayPal is not offered in {currency}.")
        return ["paypal"]
    return ["card", "paypal"] if paypal else ["card"]
