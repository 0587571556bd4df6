"""How the marketplace sells lessons and gifts through the payments app's checkout and the
credits ledger.

Two checkout purposes are registered with ``payments.purposes`` (in ``purposes.py``):

* ``tutoring_booking`` — item ``{"booking": id}``; the amount is the held booking's price
  (the server's, never the client's). Fulfilment confirms the booking.
* ``session_gift`` — item ``{"gift": id}``; fulfilment credits the teacher and shows the gift
  in the live room. (``gift`` is already the name of the payments app's credit gifts.)
* ``tutoring_package`` — item ``{"package": id}``; the amount is the unpaid package's price.
  Fulfilment opens the package; its lessons are then booked without further payments and
  each is settled like a single lesson whose payment is the package's (``payment_of``).

Ledger, per currency (accounts of ``credits.models.AccountKind``):

* paid:      provider clearing → revenue (held there until the lesson is delivered)
* delivered: revenue → teacher earnings, minus the commission → commissions
* refunded:  revenue → provider clearing (the purpose's default ``reverse``)

A package follows the same three steps: paid in full into revenue, released to the teacher
``unit_price`` per lesson delivered, unused lessons refunded from revenue (``refund_package``).

Every transfer is keyed by the booking or gift and the step, so replays move nothing.
Provider calls (refunds) run after commit in a Celery task, never under a row lock.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from core import dispatch

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Booking, Gift, LessonPackage

CENT = Decimal("0.01")
BOOKING_PURPOSE = "tutoring_booking"
GIFT_PURPOSE = "session_gift"
PACKAGE_PURPOSE = "tutoring_package"


def commission_rate() -> Decimal:
    from .models import TutoringSettings

    return Decimal(TutoringSettings.load().commission_percent) / 100


def split_commission(amount: Decimal) -> tuple[Decimal, Decimal]:
    commission = (amount * commission_rate()).quantize(CENT, rounding=ROUND_HALF_UP)
    return amount - commission, commission


def pay_teacher(booking: "Booking", amount: Decimal, *, reason: str) -> None:
    """Moves ``amount`` of the booking's payment to the teacher's earnings, less the
    platform's commission. Call inside the transaction that changes the booking."""
    from credits.models import AccountKind
    from credits.services import Leg, platform_account, post_transfer, user_account

    if amount <= 0:
        return
    teacher_share, commission = split_commission(amount)
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
    """The payment a booking's refunds leave from: its own, or its package's."""
    if booking.package_id is not None:
        return package_payment_of(booking.package_id)
    return _succeeded_payment(BOOKING_PURPOSE, {"booking": str(booking.pk)})


def package_payment_of(package_id: Any) -> Any:
    return _succeeded_payment(PACKAGE_PURPOSE, {"package": str(package_id)})


def _succeeded_payment(purpose: str, item: dict[str, str]) -> Any:
    """The newest payment of ``item`` whose money arrived, if any."""
    from payments.models import PaymentStatus
    from payments.selectors import payments_of_item

    return (
        payments_of_item(purpose=purpose, item=item, status=PaymentStatus.SUCCEEDED)
        .order_by("-succeeded_at")
        .first()
    )


def refund_package(package: "LessonPackage", amount: Decimal, *, reason: str, key: str) -> None:
    """Schedules the refund of ``amount`` of the package's payment at the provider, after
    commit; ``key`` names the step (one refund per package and step)."""
    dispatch.enqueue_on_commit(
        "tutoring.tasks.refund_package", str(package.pk), str(amount), reason, key
    )


def refund_package_now(package_id: str, amount: Decimal, *, reason: str, key: str) -> None:
    from payments.services import refund_payment

    payment = package_payment_of(package_id)
    if payment is None:
        return
    refund_payment(
        payment, amount=amount, reason=reason, idempotency_key=f"package:{package_id}:{key}"
    )


def refund(booking: "Booking", amount: Decimal, *, reason: str) -> None:
    """Schedules the refund of ``amount`` at the provider, after commit."""
    dispatch.enqueue_on_commit(
        "tutoring.tasks.refund_booking", str(booking.pk), str(amount), reason
    )


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


def tip_providers() -> list[tuple[str, str]]:
    """The "Pay with" choices of a tip: those the website can take payments with now (the
    demo card on a fresh install, first when it is the default), without bank transfer,
    which is for large amounts only."""
    from payments.conf import website_providers

    return [(value, str(label)) for value, label in website_providers() if value != "bank_transfer"]


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


def package_checkout(package: "LessonPackage", *, provider: str, user: "User") -> Any:
    """The package's payment and what the provider's client needs."""
    from payments.services import start_checkout

    return start_checkout(
        user,
        purpose=PACKAGE_PURPOSE,
        item={"package": str(package.pk)},
        provider=provider,
        currency=package.currency,
        idempotency_key=f"package:{package.pk}",
    )
