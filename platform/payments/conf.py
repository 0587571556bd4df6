"""Payment settings, typed: every one is declared once in the project settings
(toto/settings/base.py, from the environment) and read here, so that operators configure
providers with environment variables and tests with ``settings``.

The providers' keys (Stripe, Razorpay) are also editable in the admin's service
configuration: ``setting`` (``operations.configuration.setting``, which the payments modules
import from here) reads them on every call (a set environment variable wins, then the stored
value, then the setting), so a key saved in the admin takes effect on the next request
without a restart."""

from decimal import Decimal

from operations.configuration import setting


def refund_retry_delays() -> list[int]:
    return [int(delay) for delay in setting("REFUND_RETRY_DELAYS")]


def bank_transfer_minimum(currency: str) -> Decimal:
    return Decimal(str(setting("BANK_TRANSFER_MINIMUM").get(currency, "0")))


def bank_transfer_allowed(amount: Decimal, currency: str) -> bool:
    """Bank transfer is for large amounts: from ``BANK_TRANSFER_MINIMUM`` per currency."""
    return amount >= bank_transfer_minimum(currency)


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


def website_providers(
    *, recurring: bool = False, amount: Decimal | None = None, currency: str = ""
) -> list[tuple[str, str]]:
    """The "Pay with" choices the website offers: only providers this server can take
    payments with (a provider without keys would only answer "not configured"), the
    default first. Bank transfer needs no keys (a finance admin confirms it by hand) but
    pays no subscriptions and, when the ``amount`` is known, only amounts from the
    minimum that ``services.start_checkout`` takes it for."""
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
    if not recurring and (amount is None or bank_transfer_allowed(amount, currency)):
        choices.append(("bank_transfer", _("Bank transfer (large amounts)")))
    default = website_card_provider()
    return sorted(choices, key=lambda choice: choice[0] != default)
