"""How the marketplace sells lessons and gifts through the payments app's checkout and the
credits ledger.

Two checkout purposes are registered with ``payments.purposes``:

* ``tutoring_booking`` — item ``{"booking": id}``; the amount is the held booking's price
  (the server's, never the client's). Fulfilment confirms the booking.
* ``session_gift`` — item ``{"gift": id}``; fulfilment credits the teacher and shows the gift
  in the live room. (``gift`` is already the name of the payments app's credit gifts.)

Ledger, per currency (accounts of ``credits.models.AccountKind``):

* paid:      provider clearing → revenue (held there until the lesson is delivered)
* delivered: revenue → teacher earnings, minus the commission → commissions
* refunded:  revenue → provider clearing (the purpose's default ``reverse``)

Every transfer is keyed by the booking or gift and the step, so replays move nothing.
Provider calls (refunds) run after commit in a Celery task, never under a row lock.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.apps import apps

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Booking, Gift

CENT = Decimal("0.01")
BOOKING_PURPOSE = "tutoring_booking"
GIFT_PURPOSE = "session_gift"


def commission_rate() -> Decimal:
    from .models import TutoringSettings

    return Decimal(TutoringSettings.load().commission_percent) / 100


def _split(amount: Decimal) -> tuple[Decimal, Decimal]:
    commission = (amount * commission_rate()).quantize(CENT, rounding=ROUND_HALF_UP)
    return amount - commission, commission


def pay_teacher(booking: "Booking", amount: Decimal, *, reason: str) -> None:
    """Moves ``amount`` of the booking's payment to the teacher's earnings, less the
    platform's commission. Call inside the transaction that changes the booking."""
    from credits.models import AccountKind
    from credits.services import Leg, platform_account, post_transfer, user_account

    if amount <= 0:
        return
    teacher_share, commission = _split(amount)
    post_transfer(
        kind="tutoring_earning",
        idempotency_key=f"booking:{booking.pk}:teacher",
        legs=[
            Leg(platform_account(AccountKind.REVENUE, booking.currency), -amount),
            Leg(platform_account(AccountKind.COMMISSIONS, booking.currency), commission),
            Leg(
                user_account(booking.teacher.user, AccountKind.EARNINGS, booking.currency),
                teacher_share,
            ),
        ],
        memo=f"Lesson {booking.pk}: {reason}",
        metadata={"booking": str(booking.pk), "reason": reason},
    )


def payment_of(booking: "Booking") -> Any:
    from payments.models import Payment, PaymentStatus

    return (
        Payment.objects.filter(
            purpose=BOOKING_PURPOSE, item__booking=str(booking.pk), status=PaymentStatus.SUCCEEDED
        )
        .order_by("-succeeded_at")
        .first()
    )


def refund(booking: "Booking", amount: Decimal, *, reason: str) -> None:
    """Schedules the refund of ``amount`` at the provider, after commit."""
    from django.db import transaction

    from . import tasks

    booking_id, value = str(booking.pk), str(amount)
    transaction.on_commit(lambda: tasks.refund_booking.delay(booking_id, value, reason))


def refund_now(booking: "Booking", amount: Decimal, *, reason: str) -> None:
    from payments.services import refund_payment

    payment = payment_of(booking)
    if payment is None:
        return
    refund_payment(
        payment, amount=amount, reason=reason, idempotency_key=f"booking:{booking.pk}:refund"
    )


def website_card_provider() -> str:
    """The provider the website's Pay button uses (the demo card on a fresh `make run`)."""
    from payments.conf import website_card_provider as choose

    return choose()


def start_booking_checkout(booking: "Booking", *, provider: str, user: "User") -> dict[str, Any]:
    from payments.services import start_checkout

    checkout = start_checkout(
        user,
        purpose=BOOKING_PURPOSE,
        item={"booking": str(booking.pk)},
        provider=provider,
        currency=booking.currency,
        idempotency_key=f"booking:{booking.pk}",
    )
    return checkout.client


def start_gift_checkout(gift: "Gift", *, provider: str, user: "User") -> dict[str, Any]:
    return gift_checkout(gift, provider=provider, user=user).client


def gift_checkout(gift: "Gift", *, provider: str, user: "User") -> Any:
    """The gift's payment and what the provider's client needs (the website's checkout page
    shows both)."""
    from payments.services import start_checkout

    return start_checkout(
        user,
        purpose=GIFT_PURPOSE,
        item={"gift": str(gift.pk)},
        provider=provider,
        currency=gift.currency,
        idempotency_key=f"gift:{gift.pk}",
    )


def register_purposes() -> None:
    if not apps.is_installed("payments"):
        return  # without the payments app nothing can be paid (bookings stay held)
    from credits.models import AccountKind
    from credits.services import Leg, platform_account, post_transfer, user_account
    from payments.errors import InvalidItem
    from payments.ledger import clearing_to_revenue
    from payments.purposes import Purpose, Quote, register

    from .models import Booking, BookingStatus, Gift

    class BookingPurpose(Purpose):
        name = BOOKING_PURPOSE

        def quote(self, user: "User", item: dict[str, Any], currency: str) -> Quote:
            booking = (
                Booking.objects.select_related("gig")
                .filter(pk=str(item.get("booking", "")), learner=user, status=BookingStatus.HELD)
                .first()
            )
            if booking is None:
                raise InvalidItem("No held booking of yours with that id.")
            if booking.currency != currency:
                raise InvalidItem(f"This lesson is priced in {booking.currency}.")
            return Quote(
                amount=booking.price,
                currency=booking.currency,
                description=f"Lesson: {booking.gig.title} ({booking.minutes} min)",
                item={"booking": str(booking.pk)},
            )

        def fulfil(self, payment: Any) -> None:
            from .services.bookings import confirm_payment

            post_transfer(
                kind="tutoring_booking",
                idempotency_key=f"payment:{payment.pk}",
                legs=clearing_to_revenue(payment.currency, payment.amount),
                memo=payment.description,
                metadata={"payment": str(payment.pk), "booking": payment.item["booking"]},
            )
            confirm_payment(payment.item["booking"], payment_reference=str(payment.pk))

        def counterparty(self, payment: Any) -> Any:
            booking = Booking.objects.select_related("teacher__user").get(
                pk=payment.item["booking"]
            )
            return booking.teacher.user

        def automatic_refund(self, payment: Any) -> Decimal:
            """A cancelled lesson is owed what its cancellation policy set (all of it when
            the teacher cancelled) and has not come back yet (a refund that failed)."""
            booking = Booking.objects.get(pk=payment.item["booking"])
            if booking.status != BookingStatus.CANCELLED:
                return Decimal("0")
            owed = booking.refunded_amount - payment.amount_refunded
            return max(Decimal("0"), min(owed, payment.refundable))

        def settle_dispute(self, payment: Any, *, refunded: Decimal) -> Decimal:
            from .services.sessions import settle_disputed_lesson

            return settle_disputed_lesson(payment.item["booking"], refunded=refunded)

    class GiftPurpose(Purpose):
        name = GIFT_PURPOSE

        def quote(self, user: "User", item: dict[str, Any], currency: str) -> Quote:
            gift = Gift.objects.filter(
                pk=str(item.get("gift", "")), sender=user, paid_at__isnull=True
            ).first()
            if gift is None or gift.currency != currency:
                raise InvalidItem("No unpaid gift of yours with that id and currency.")
            return Quote(
                amount=gift.amount,
                currency=gift.currency,
                description="Gift to your teacher",
                item={"gift": str(gift.pk)},
            )

        def fulfil(self, payment: Any) -> None:
            from .services.gifts import gift_paid

            gift = Gift.objects.select_related("booking__teacher__user").get(
                pk=payment.item["gift"]
            )
            teacher_share, commission = _split(payment.amount)
            post_transfer(
                kind="tutoring_gift",
                idempotency_key=f"payment:{payment.pk}",
                legs=[
                    Leg(
                        platform_account(AccountKind.PROVIDER_CLEARING, payment.currency),
                        -payment.amount,
                    ),
                    Leg(platform_account(AccountKind.COMMISSIONS, payment.currency), commission),
                    Leg(
                        user_account(
                            gift.booking.teacher.user, AccountKind.EARNINGS, payment.currency
                        ),
                        teacher_share,
                    ),
                ],
                memo=payment.description,
                metadata={"payment": str(payment.pk), "gift": str(gift.pk)},
            )
            gift_paid(gift, payment_reference=str(payment.pk))

    register(BookingPurpose())
    register(GiftPurpose())
