"""What can be paid for. A purpose computes the amount (the server's, never the client's),
fulfils a successful payment and reverses a refund. Other apps register their own at
start-up, e.g. tutoring in its AppConfig.ready():

    from payments.purposes import Purpose, Quote, register

    class BookingPurpose(Purpose):
        name = "booking"
        def quote(self, user, item, currency): ...      # -> Quote
        def fulfil(self, payment): ...                   # inside the payment's transaction
        def reverse(self, payment, refund): ...          # -> ledger Transfer

    register(BookingPurpose())

``fulfil`` and ``reverse`` run inside the transaction that records the payment or refund and
must key every ledger transfer by the payment or refund id so that they are idempotent.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model

from accounts.models import User
from core import dispatch
from credits import services as credit_services
from credits.models import (
    CREDITS,
    AccountKind,
    CreditPackage,
    CreditPackagePrice,
    Interval,
    LedgerAccount,
    Plan,
    PlanPrice,
    SubscriptionStatus,
    Transfer,
)
from credits.services import Leg, platform_account, post_transfer, quantize, user_account

from .errors import InvalidItem, PriceUnavailable, UnknownPurpose
from .ledger import clearing_to_revenue

if TYPE_CHECKING:
    from .models import Payment, Refund


@dataclass(frozen=True)
class Quote:
    amount: Decimal
    currency: str
    description: str
    item: dict[str, Any]
    # Set for recurring purchases that Stripe Billing charges on its own schedule.
    stripe_price_id: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class Purpose:
    name: str = ""
    recurring: bool = False

    def quote(self, user: User, item: dict[str, Any], currency: str) -> Quote:
        raise NotImplementedError

    def fulfil(self, payment: "Payment") -> None:
        raise NotImplementedError

    def reverse(self, payment: "Payment", refund: "Refund") -> Transfer:
        """Default: the refunded money leaves revenue back to the provider."""
        return _money_back(payment, refund, AccountKind.REVENUE)

    def automatic_refund(self, payment: "Payment") -> Decimal:
        """The refund policy in force: how much of ``payment`` a refund request gets back
        without a finance admin (0: every request is reviewed). Read-only."""
        return Decimal("0")

    def refund_granted(self, payment: "Payment", *, amount: Decimal) -> None:
        """A refund request for ``payment`` was approved and ``amount`` refunded (the refund
        and its ``reverse`` are booked already): end what was bought where it can still be
        ended, so that nothing paid back stays usable (a package closed, a seat or a stay
        cancelled and given back). Runs inside the approval's transaction; idempotent."""

    def complaint_opened(self, payment: "Payment") -> None:
        """The learner reported a problem with what ``payment`` bought: hold what would
        otherwise settle while the dispute is open (a lesson waiting for the learner's
        confirmation is not confirmed, nor its teacher paid, automatically). Runs inside the
        complaint's transaction; idempotent."""

    def counterparty(self, payment: "Payment") -> User | None:
        """The teacher or vendor this payment pays, who answers a dispute about it."""
        return None

    def settle_dispute(self, payment: "Payment", *, refunded: Decimal) -> Decimal:
        """A dispute about ``payment`` was decided with ``refunded`` given back: the purpose
        releases what it held (e.g. pays a disputed lesson's teacher the rest). Returns how
        much of ``refunded`` the counterparty had already been paid (what a "teacher debt"
        decision recovers from them). Runs inside the decision's transaction; idempotent."""
        return Decimal("0")


_registry: dict[str, Purpose] = {}


def register(purpose: Purpose) -> None:
    _registry[purpose.name] = purpose


def get(name: str) -> Purpose:
    try:
        return _registry[name]
    except KeyError:
        raise UnknownPurpose() from None


def names() -> list[str]:
    return sorted(_registry)


def _money_back(payment: "Payment", refund: "Refund", source: AccountKind) -> Transfer:
    return post_transfer(
        kind="refund",
        idempotency_key=f"refund:{refund.pk}",
        legs=[
            Leg(platform_account(source, payment.currency), -refund.amount),
            Leg(platform_account(AccountKind.PROVIDER_CLEARING, payment.currency), refund.amount),
        ],
        memo=f"Refund of {payment.description}",
        metadata={"payment": str(payment.pk)},
    )


def _package(item: dict[str, Any]) -> CreditPackage:
    package = CreditPackage.objects.filter(slug=str(item.get("package", "")), active=True).first()
    if package is None:
        raise InvalidItem("No such credit package.")
    return package


def _package_price(package: CreditPackage, currency: str) -> Decimal:
    price = CreditPackagePrice.objects.filter(package=package, currency=currency).first()
    if price is None:
        raise PriceUnavailable()
    return price.amount


class CreditsPurpose(Purpose):
    name = "credits"

    def quote(self, user: User, item: dict[str, Any], currency: str) -> Quote:
        package = _package(item)
        return Quote(
            amount=_package_price(package, currency),
            currency=currency,
            description=f"{package.name}: {package.credits.normalize():f} credits",
            item={"package": package.slug, "credits": str(package.credits)},
        )

    def _recipient(self, payment: "Payment") -> User:
        return payment.user

    def fulfil(self, payment: "Payment") -> None:
        credit_services.sell_credits(
            self._recipient(payment),
            Decimal(payment.item["credits"]),
            price=payment.amount,
            currency=payment.currency,
            idempotency_key=f"payment:{payment.pk}",
            memo=payment.description,
            metadata={"payment": str(payment.pk)},
        )

    def automatic_refund(self, payment: "Payment") -> Decimal:
        """Credits still unspent in the buyer's wallet within the cooling-off period
        (``REFUND_AUTO_CREDITS_DAYS`` after the purchase) are refunded on request."""
        from datetime import timedelta

        from django.conf import settings
        from django.utils import timezone

        days = int(settings.REFUND_AUTO_CREDITS_DAYS)
        paid_at = payment.succeeded_at or payment.created_at
        if days <= 0 or timezone.now() - paid_at > timedelta(days=days):
            return Decimal("0")
        wallet = user_account(self._recipient(payment), AccountKind.WALLET)
        if wallet.balance < Decimal(payment.item["credits"]):
            return Decimal("0")
        return payment.refundable

    def reverse(self, payment: "Payment", refund: "Refund") -> Transfer:
        """Refunds the money and takes back the same share of the credits, as far as the
        wallet still holds them; what was already spent is recorded on the refund."""
        recipient = self._recipient(payment)
        wallet = user_account(recipient, AccountKind.WALLET)
        wallet = LedgerAccount.objects.select_for_update().get(pk=wallet.pk)
        credits = quantize(Decimal(payment.item["credits"]) * refund.amount / payment.amount)
        clawback = min(credits, wallet.balance)
        refund.credits_clawed_back = clawback
        refund.credits_unrecovered = credits - clawback
        return post_transfer(
            kind="refund",
            idempotency_key=f"refund:{refund.pk}",
            legs=[
                *clearing_to_revenue(payment.currency, -refund.amount),
                Leg(wallet, -clawback),
                Leg(platform_account(AccountKind.CREDITS_ISSUED, CREDITS), clawback),
            ],
            memo=f"Refund of {payment.description}",
            metadata={"payment": str(payment.pk), "credits_unrecovered": str(credits - clawback)},
        )


class GiftCreditsPurpose(CreditsPurpose):
    """Credits bought for someone else: item {"package": slug, "recipient": email}."""

    name = "gift"

    def quote(self, user: User, item: dict[str, Any], currency: str) -> Quote:
        quote = super().quote(user, item, currency)
        recipient = (
            get_user_model()
            .objects.filter(email__iexact=str(item.get("recipient", "")), is_active=True)
            .first()
        )
        if recipient is None or recipient.pk == user.pk:
            raise InvalidItem("Gifts go to another Toto user, by email address.")
        return Quote(
            amount=quote.amount,
            currency=currency,
            description=f"Gift for {recipient.get_short_name()}: {quote.description}",
            item={**quote.item, "recipient": str(recipient.pk)},
        )

    def _recipient(self, payment: "Payment") -> User:
        return get_user_model().objects.get(pk=payment.item["recipient"])


class SubscriptionPurpose(Purpose):
    """A premium plan. With Stripe, Stripe Billing renews it; with Razorpay or a bank
    transfer one payment buys one prepaid period."""

    name = "subscription"
    recurring = True

    def quote(self, user: User, item: dict[str, Any], currency: str) -> Quote:
        plan = Plan.objects.filter(slug=str(item.get("plan", "")), active=True).first()
        if plan is None:
            raise InvalidItem("No such plan.")
        price = PlanPrice.objects.filter(plan=plan, currency=currency).first()
        if price is None:
            raise PriceUnavailable()
        return Quote(
            amount=price.amount,
            currency=currency,
            description=f"{plan.name} ({plan.get_interval_display().lower()})",
            item={"plan": plan.slug, "interval": plan.interval},
            stripe_price_id=price.stripe_price_id,
        )

    def fulfil(self, payment: "Payment") -> None:
        from datetime import timedelta

        from django.utils import timezone

        plan = Plan.objects.get(slug=payment.item["plan"])
        post_transfer(
            kind="subscription_sale",
            idempotency_key=f"payment:{payment.pk}",
            legs=clearing_to_revenue(payment.currency, payment.amount),
            memo=payment.description,
            metadata={"payment": str(payment.pk)},
        )
        period_end = payment.item.get("period_end")
        if period_end:
            from datetime import datetime

            end = datetime.fromisoformat(period_end)
        else:
            start = payment.succeeded_at or timezone.now()
            end = start + timedelta(days=365 if plan.interval == Interval.YEAR else 31)
        credit_services.activate_subscription(
            user=payment.user,
            plan=plan,
            provider=payment.provider,
            provider_subscription_id=payment.item.get("subscription", "")
            or f"payment:{payment.pk}",
            current_period_end=end,
        )

    def reverse(self, payment: "Payment", refund: "Refund") -> Transfer:
        transfer = super().reverse(payment, refund)
        if payment.amount_refunded >= payment.amount:
            subscription_id = payment.item.get("subscription", "") or f"payment:{payment.pk}"
            credit_services.set_subscription_status(
                provider=payment.provider,
                provider_subscription_id=subscription_id,
                status=SubscriptionStatus.CANCELED,
            )
            if subscription_id.startswith("sub_"):
                # Stripe Billing would charge again next period: cancel it there too, after
                # commit and with retries (the refund itself must not wait on Stripe).
                dispatch.enqueue_on_commit("payments.cancel_stripe_subscription", subscription_id)
        return transfer


def register_builtin_purposes() -> None:
    for purpose in (CreditsPurpose(), GiftCreditsPurpose(), SubscriptionPurpose()):
        register(purpose)
