"""How packs are sold through the payments app's checkout and the credits ledger.

Checkout purpose ``material_pack``: item ``{"pack": id}``; the amount is the pack's price
(the server's, never the client's), refused when the pack is not listed, is the buyer's own,
is already theirs or is free (free packs never reach the checkout or the ledger:
``services.get_free_pack``).

Ledger, per currency (``credits.models.AccountKind``):

* paid:     provider clearing → the teacher's earnings, less the commission the payouts app
            takes for teachers (``payouts.services.accrue_earning``) → commissions
* refunded: the same legs reversed in proportion to the refund (earnings and commission
            give back their share); a full refund also ends the buyer's access.
            When the teacher's earnings no longer hold their share (it was paid out), they
            give what is there and the platform's revenue account fronts the rest, recorded
            as an ``EarningsDebt`` of the teacher, in the same transfer: the refund (already
            made at the provider when this runs) never fails for it and no balance goes
            below zero.
* next earning: whatever credits the teacher's earnings in that currency (a pack sale, a
            lesson, a gift, a rejected payout's hold) repays outstanding debts first, from
            the earnings to revenue (``services.recover_debts``, registered as a
            ``credits.claims.Claim``); payout requests repay them before holding a payout.

Transfers are keyed by the payment or refund id, so replays move nothing.
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.apps import apps

if TYPE_CHECKING:
    from accounts.models import User
    from credits.models import Transfer
    from payments.models import Payment, Refund

    from .models import MaterialPack

PACK_PURPOSE = "material_pack"


def payment_key(pack: "MaterialPack", attempt: int) -> str:
    return f"pack:{pack.pk}:{attempt}"


def website_card_provider() -> str:
    """The provider the website's Pay button uses (the demo card on a fresh `make run`)."""
    from payments.conf import website_card_provider as choose

    return choose()


def start_pack_checkout(pack: "MaterialPack", *, user: "User", provider: str) -> dict[str, Any]:
    """Starts (or resumes) the learner's checkout for a pack: a pending payment is reused,
    a failed one is replaced by a new attempt, a succeeded one means the pack is theirs."""
    from payments.models import Payment, PaymentStatus
    from payments.services import start_checkout

    from .errors import AlreadyPurchased, PackIsFree
    from .models import PackPurchase, PurchaseStatus

    if pack.is_free:
        raise PackIsFree()
    if PackPurchase.objects.filter(pack=pack, learner=user, status=PurchaseStatus.PAID).exists():
        raise AlreadyPurchased()
    attempts = list(
        Payment.objects.filter(
            user=user, purpose=PACK_PURPOSE, idempotency_key__startswith=f"pack:{pack.pk}:"
        ).values_list("status", "idempotency_key", "provider")
    )
    reusable = [
        key
        for status, key, used_provider in attempts
        if status == PaymentStatus.PENDING and used_provider == provider
    ]
    key = reusable[0] if reusable else payment_key(pack, len(attempts) + 1)
    checkout = start_checkout(
        user,
        purpose=PACK_PURPOSE,
        item={"pack": str(pack.pk)},
        provider=provider,
        currency=pack.currency,
        idempotency_key=key,
    )
    return checkout.client


def mirror_amounts(amounts: Sequence[Decimal], fraction: Decimal) -> list[Decimal]:
    """The reversing amounts of one currency's legs for ``fraction`` of them, rounded as
    ``credits.services.reverse_transfer`` rounds them (the last leg takes the remainder)."""
    from credits.services import quantize

    mirrored = [quantize(-amount * fraction) for amount in amounts[:-1]]
    return [*mirrored, -sum(mirrored, Decimal("0"))]


def reverse_earning(payment: "Payment", refund: "Refund") -> "Transfer":
    """The refund's ledger transfer (see the module docstring). Runs in the refund's
    transaction; the teacher's earnings account is locked before its balance is read, as a
    payout request locks it, so no payout can take the money meanwhile."""
    from credits.models import AccountKind, LedgerAccount, Transfer
    from credits.services import Leg, platform_account, post_transfer, reverse_transfer

    from .models import EarningsDebt, MaterialPack

    key = f"refund:{refund.pk}"
    memo = f"Refund of {payment.description}"
    fraction = Decimal(refund.amount) / Decimal(payment.amount)
    earning = Transfer.objects.get(idempotency_key=f"payment:{payment.pk}")
    entries = list(earning.entries.select_related("account").order_by("id"))
    amounts = mirror_amounts([entry.amount for entry in entries], fraction)
    earnings_index, teacher_id = next(
        (index, entry.account.owner_id)
        for index, entry in enumerate(entries)
        if entry.account.kind == AccountKind.EARNINGS and entry.account.owner_id is not None
    )
    account = LedgerAccount.objects.select_for_update().get(pk=entries[earnings_index].account_id)
    share = -amounts[earnings_index]
    shortfall = share - min(share, max(account.balance, Decimal("0")))
    if shortfall <= 0 or Transfer.objects.filter(idempotency_key=key).exists():
        return reverse_transfer(earning, idempotency_key=key, memo=memo, fraction=fraction)
    legs = [Leg(entry.account, amount) for entry, amount in zip(entries, amounts, strict=True)]
    legs[earnings_index] = Leg(account, -(share - shortfall))
    legs.append(Leg(platform_account(AccountKind.REVENUE, payment.currency), -shortfall))
    transfer = post_transfer(
        kind=f"reversal:{earning.kind}"[:40],
        idempotency_key=key,
        legs=legs,
        memo=memo,
        metadata={"teacher_debt": str(shortfall)},
        reverses=earning,
    )
    EarningsDebt.objects.create(
        teacher_id=teacher_id,
        refund=refund,
        pack=MaterialPack.objects.get(pk=payment.item["pack"]),
        amount=shortfall,
        currency=payment.currency,
    )
    return transfer


def register_purposes() -> None:
    if not apps.is_installed("payments"):
        return
    from accounts.roles import Role
    from credits.models import Transfer
    from payments.errors import InvalidItem
    from payments.purposes import Purpose, Quote, register
    from payouts.services import accrue_earning

    from . import services
    from .models import MaterialPack, PackPurchase, PackStatus, PurchaseStatus

    class PackPurpose(Purpose):
        name = PACK_PURPOSE

        def quote(self, user: "User", item: dict[str, Any], currency: str) -> Quote:
            pack = (
                MaterialPack.objects.filter(
                    pk=str(item.get("pack", "")), status=PackStatus.PUBLISHED, hidden=False
                )
                .select_related("teacher")
                .first()
            )
            if pack is None:
                raise InvalidItem("No pack for sale with that id.")
            if pack.teacher_id == user.pk:
                raise InvalidItem("This is your own pack.")
            if pack.is_free:
                raise InvalidItem("This pack is free: get it without paying.")
            if PackPurchase.objects.filter(
                pack=pack, learner=user, status=PurchaseStatus.PAID
            ).exists():
                raise InvalidItem("You already own this pack.")
            if pack.currency != currency:
                raise InvalidItem(f"This pack is priced in {pack.currency}.")
            return Quote(
                amount=pack.price,
                currency=pack.currency,
                description=f"Material pack: {pack.title}"[:255],
                item={"pack": str(pack.pk), "teacher": str(pack.teacher_id)},
            )

        def fulfil(self, payment: "Payment") -> None:
            pack = MaterialPack.objects.select_related("teacher").get(pk=payment.item["pack"])
            accrue_earning(
                pack.teacher,
                gross=payment.amount,
                currency=payment.currency,
                role=Role.TEACHER,
                idempotency_key=f"payment:{payment.pk}",
                memo=payment.description,
            )
            # Crediting the earning repaid the teacher's debts first (``credits.claims``).
            services.record_purchase(pack_id=pack.pk, learner=payment.user, payment=payment)

        def automatic_refund(self, payment: "Payment") -> Decimal:
            """Never automatic: a bought pack's files can be downloaded at once and no
            download or opening is recorded, so whether it was used cannot be known. Every
            request waits for a finance admin; a full refund ends the buyer's access
            (``reverse``)."""
            return Decimal("0")

        def counterparty(self, payment: "Payment") -> Any:
            return (
                MaterialPack.objects.select_related("teacher").get(pk=payment.item["pack"]).teacher
            )

        def reverse(self, payment: "Payment", refund: "Refund") -> Transfer:
            transfer = reverse_earning(payment, refund)
            if payment.amount_refunded >= payment.amount:
                services.revoke_purchase(payment)
            return transfer

    register(PackPurpose())
