"""Payment settings, read from Django settings first and the environment second, so that an
operator configures providers with environment variables and tests with ``settings``.

STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE (tests),
STRIPE_PAYPAL_CURRENCIES (currencies in which Stripe offers PayPal on the account),
RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET, RAZORPAY_WEBHOOK_SECRET, RAZORPAY_API_BASE (tests),
BANK_TRANSFER_MINIMUM (per currency), BANK_TRANSFER_DETAILS, INVOICE_SELLER (name and
address printed on invoices), PAYMENT_PENDING_EXPIRY_HOURS, REFUND_RETRY_DELAYS (seconds
before each automatic retry of a refund the provider failed; one retry per item),
REFUND_SEND_LEASE_SECONDS (after this long a send that never reported back, e.g. its worker
died, is taken over by the retry sweep), PAYMENTS_DEMO_ENABLED (the demo provider's test
cards; on only in the embedded development settings, refused by production's).
"""

from decimal import Decimal
from typing import Any

import environ
from django.conf import settings

_env = environ.Env()

DEFAULTS: dict[str, Any] = {
    "STRIPE_SECRET_KEY": "",
    "STRIPE_PUBLISHABLE_KEY": "",
    "STRIPE_WEBHOOK_SECRET": "",
    "STRIPE_API_BASE": "",
    "STRIPE_PAYPAL_CURRENCIES": ["EUR"],
    "RAZORPAY_KEY_ID": "",
    "RAZORPAY_KEY_SECRET": "",
    "RAZORPAY_WEBHOOK_SECRET": "",
    "RAZORPAY_API_BASE": "",
    "BANK_TRANSFER_MINIMUM": {"INR": "50000", "USD": "500", "EUR": "500"},
    "BANK_TRANSFER_DETAILS": "Toto · IBAN XX00 0000 0000 0000 · quote the reference",
    "INVOICE_SELLER": "Toto\nOpen language learning",
    "PAYMENT_PENDING_EXPIRY_HOURS": 48,
    # 1 min, 5 min, 30 min, 2 h, 12 h: six sends in all over about 15 hours.
    "REFUND_RETRY_DELAYS": [60, 300, 1800, 7200, 43200],
    "REFUND_SEND_LEASE_SECONDS": 900,
    "PAYMENTS_DEMO_ENABLED": False,
}


def setting(name: str) -> Any:
    if hasattr(settings, name):
        return getattr(settings, name)
    default = DEFAULTS[name]
    if isinstance(default, list):
        return _env.list(name, default=default)
    if isinstance(default, dict):
        return _env.dict(name, default=default)
    if isinstance(default, bool):  # before int: a bool is an int
        return _env.bool(name, default=default)
    if isinstance(default, int):
        return _env.int(name, default=default)
    return _env.str(name, default=default)


def refund_retry_delays() -> list[int]:
    return [int(delay) for delay in setting("REFUND_RETRY_DELAYS")]


def bank_transfer_minimum(currency: str) -> Decimal:
    return Decimal(str(setting("BANK_TRANSFER_MINIMUM").get(currency, "0")))


def demo_enabled() -> bool:
    return bool(setting("PAYMENTS_DEMO_ENABLED"))


def stripe_configured() -> bool:
    return bool(setting("STRIPE_SECRET_KEY"))


def website_card_provider() -> str:
    """What the website's Pay buttons use: Stripe's card form when Stripe is set up, else
    the demo provider's when it is on (a fresh `make run`), else Stripe, which then says it
    is not configured."""
    if demo_enabled() and not stripe_configured():
        return "demo"
    return "stripe"


def razorpay_configured() -> bool:
    return bool(setting("RAZORPAY_KEY_ID") and setting("RAZORPAY_KEY_SECRET"))


def website_providers(*, recurring: bool = False) -> list[tuple[str, str]]:
    """The "Pay with" choices the website offers: only providers this server can take
    payments with (a provider without keys would only answer "not configured"), the
    default first. Bank transfer needs no keys (a finance admin confirms it by hand) but
    pays no subscriptions."""
    from django.utils.translation import gettext as _

    choices: list[tuple[str, str]] = []
    if demo_enabled():
        choices.append(("demo", _("Demo card (no real money)")))
    if stripe_configured():
        choices.append(("stripe", _("Card (Stripe)")))
        if not recurring:
            choices.append(("paypal", "PayPal"))
    if razorpay_configured():
        choices.append(("razorpay", "Razorpay (INR)"))
    if not recurring:
        choices.append(("bank_transfer", _("Bank transfer (large amounts)")))
    default = website_card_provider()
    return sorted(choices, key=lambda choice: choice[0] != default)
