"""How packs are sold through the money issue's payments and ledger.

Checkout purpose ``material_pack``: item ``{"pack": id}``; the amount is the pack's price
(the server's, never the client's), refused when the pack is not listed, is the buyer's own,
is already theirs or is free (free packs never reach the checkout or the ledger:
``services.get_free_pack``).

Ledger, per currency (``credits.models.AccountKind``):

* paid:     provider clearing → the teacher's earnings, less the commission the payouts app
            takes for teachers (``payouts.services.accrue_earning``) → commissions
* refunded: the same legs reversed in proportion to the refund (earnings and commission
            give back their share); a full refund also ends the buyer's access.

Transfers are keyed by the payment or refund id, so replays move nothing.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.apps import apps

if TYPE_CHECKING:
    from accounts.models import User

    from .models import MaterialPack

PACK_PURPOSE = "material_pack"


def payment_key(pack: "MaterialPack", attempt: int) -> str:
    return f"pack:{pack.pk}:{attempt}"


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


def register_purposes() -> None:
    if not apps.is_installed("payments"):
        return
    from accounts.roles import Role
    from credits.models import Transfer
    from credits.services import reverse_transfer
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

        def fulfil(self, payment: Any) -> None:
            pack = MaterialPack.objects.select_related("teacher").get(pk=payment.item["pack"])
            accrue_earning(
                pack.teacher,
                gross=payment.amount,
                currency=payment.currency,
                role=Role.TEACHER,
                idempotency_key=f"payment:{payment.pk}",
                memo=payment.description,
            )
            services.record_purchase(pack_id=pack.pk, learner=payment.user, payment=payment)

        def reverse(self, payment: Any, refund: Any) -> Transfer:
            earning = Transfer.objects.get(idempotency_key=f"payment:{payment.pk}")
            transfer = reverse_transfer(
                earning,
                idempotency_key=f"refund:{refund.pk}",
                memo=f"Refund of {payment.description}",
                fraction=Decimal(refund.amount) / Decimal(payment.amount),
            )
            if payment.amount_refunded >= payment.amount:
                services.revoke_purchase(payment)
            return transfer

    register(PackPurpose())
