"""How study-abroad bookings are paid: the ``abroad_booking`` checkout purpose.

Item ``{"booking": id}``: the amount is the server's — the deposit (or total) of a held
booking, or the balance of a confirmed one. Ledger, per currency:

* paid:       provider clearing → revenue (held until the stay or course is over)
* completed:  revenue → each provider's earnings, less the commission per vendor type
* refunded:   revenue → provider clearing (the purpose's default ``reverse``)
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.apps import apps

if TYPE_CHECKING:
    from accounts.models import User

    from .models import AbroadBooking

PURPOSE = "abroad_booking"
# Every refund this app sends itself has an idempotency key starting with this.
REFUND_KEY_PREFIX = "abroad:"


def amount_due(booking: "AbroadBooking") -> Decimal:
    from .models import BookingStatus

    if booking.status == BookingStatus.HELD:
        return booking.due_now
    if booking.status == BookingStatus.CONFIRMED:
        return booking.balance_due
    return Decimal(0)


def website_providers(amount: Decimal, currency: str) -> list[tuple[str, str]]:
    """The "Pay with" choices the website offers for ``amount`` (cards, Razorpay, and bank
    transfer from the amount the server takes it for)."""
    from payments.conf import website_providers as offered

    return offered(amount=amount, currency=currency)


def website_card_provider() -> str:
    """The provider the website's Pay button uses (the demo card on a fresh install)."""
    from payments.conf import website_card_provider as choose

    return choose()


def start_checkout(booking: "AbroadBooking", *, provider: str, user: "User") -> Any:
    """The booking's payment and what the provider's client needs. A bank transfer keeps
    the booking held for days instead of the card's minutes."""
    from payments.services import start_checkout as checkout

    from .services import hold_for_bank_transfer

    if provider == "bank_transfer":
        booking = hold_for_bank_transfer(booking.pk)

    step = "deposit" if booking.amount_paid == 0 else f"balance-{booking.amount_paid}"
    return checkout(
        user,
        purpose=PURPOSE,
        item={"booking": str(booking.pk)},
        provider=provider,
        currency=booking.currency,
        idempotency_key=f"abroad:{booking.pk}:{step}:{provider}",
    )


def payments_of(booking: "AbroadBooking") -> list[Any]:
    from payments.models import PaymentStatus
    from payments.selectors import payments_of_item

    return list(
        payments_of_item(
            purpose=PURPOSE, item={"booking": str(booking.pk)}, status=PaymentStatus.SUCCEEDED
        ).order_by("-succeeded_at")
    )


def pending_bank_transfer(booking: "AbroadBooking") -> Any:
    """The bank transfer the learner was asked to make for this booking and that has not
    arrived yet, if any."""
    from payments.selectors import pending_payment

    return pending_payment(
        purpose=PURPOSE, item={"booking": str(booking.pk)}, provider="bank_transfer"
    )


def refund_now(booking: "AbroadBooking", amount: Decimal, *, reason: str) -> None:
    """Refunds ``amount`` across the booking's payments, newest first."""
    from payments.services import refund_payment

    left = amount
    for payment in payments_of(booking):
        if left <= 0:
            break
        part = min(left, payment.refundable)
        if part <= 0:
            continue
        refund_payment(
            payment,
            amount=part,
            reason=reason,
            idempotency_key=f"abroad:{booking.pk}:refund:{payment.pk}:{booking.refunded_amount}",
        )
        left -= part


def register_purposes() -> None:
    if not apps.is_installed("payments"):
        return
    from credits.services import clearing_to_revenue, post_transfer
    from payments.errors import InvalidItem
    from payments.purposes import Purpose, Quote, register

    from .models import AbroadBooking, BookingStatus

    class AbroadBookingPurpose(Purpose):
        name = PURPOSE

        def quote(self, user: "User", item: dict[str, Any], currency: str) -> Quote:
            booking = (
                AbroadBooking.objects.select_related("course", "homestay")
                .filter(
                    pk=str(item.get("booking", "")),
                    learner=user,
                    status__in=[BookingStatus.HELD, BookingStatus.CONFIRMED],
                )
                .first()
            )
            if booking is None or amount_due(booking) <= 0:
                raise InvalidItem("No booking of yours waiting for a payment with that id.")
            if booking.currency != currency:
                raise InvalidItem(f"This booking is priced in {booking.currency}.")
            step = "Deposit" if booking.status == BookingStatus.HELD else "Balance"
            if booking.status == BookingStatus.HELD and booking.due_now == booking.total:
                step = "Study abroad"
            return Quote(
                amount=amount_due(booking),
                currency=booking.currency,
                description=f"{step}: {booking.title}"[:200],
                item={"booking": str(booking.pk)},
            )

        def fulfil(self, payment: Any) -> None:
            from .services import payment_received

            post_transfer(
                kind="abroad_booking",
                idempotency_key=f"payment:{payment.pk}",
                legs=clearing_to_revenue(payment.currency, payment.amount),
                memo=payment.description,
                metadata={"payment": str(payment.pk), "booking": payment.item["booking"]},
            )
            payment_received(
                payment.item["booking"], amount=payment.amount, reference=str(payment.pk)
            )

        def reverse(self, payment: Any, refund: Any) -> Any:
            from .services import record_outside_refund

            transfer = super().reverse(payment, refund)
            # This app's own refunds (cancellations) carry its keys and were counted already.
            if not refund.idempotency_key.startswith(REFUND_KEY_PREFIX):
                record_outside_refund(
                    payment.item["booking"], amount=refund.amount, reference=str(refund.pk)
                )
            return transfer

        def automatic_refund(self, payment: Any) -> Decimal:
            """The booking's cancellation policy, fixed when it was booked: an upcoming
            booking gets back what the learner's own cancellation would refund today
            (``services.cancellation_refund``), as far as this payment holds it; approving
            cancels the booking and frees its seats and nights (``refund_granted``). Nothing
            is automatic once the trip began; those requests wait for a finance admin."""
            from .services import cancellation_refund

            booking = AbroadBooking.objects.filter(pk=payment.item.get("booking")).first()
            if booking is None:
                return Decimal(0)
            return max(Decimal(0), min(cancellation_refund(booking), payment.refundable))

        def refund_granted(self, payment: Any, *, amount: Decimal) -> None:
            from .services import cancel_after_refund

            cancel_after_refund(payment.item["booking"], refunded=amount)

        def counterparty(self, payment: Any) -> Any:
            """The course's school, or else the stay's host: who answers a dispute."""
            booking = (
                AbroadBooking.objects.select_related("course_vendor", "stay_vendor")
                .filter(pk=payment.item.get("booking"))
                .first()
            )
            if booking is None:
                return None
            return booking.course_vendor or booking.stay_vendor

    register(AbroadBookingPurpose())
