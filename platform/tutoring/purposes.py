"""The checkout purposes tutoring registers with the payments app (see ``payments.py`` for
the ledger they write): ``tutoring_booking`` confirms the held booking it paid for,
``session_gift`` credits the teacher. Registered from ``TutoringConfig.ready``; kept apart
from ``payments.py`` because fulfilment calls the booking services, which themselves use
``payments.py`` for refunds and teacher pay."""

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from .payments import BOOKING_PURPOSE, GIFT_PURPOSE, PACKAGE_PURPOSE, split_commission

if TYPE_CHECKING:
    from accounts.models import User


def register_purposes() -> None:
    if not apps.is_installed("payments"):
        return  # without the payments app nothing can be paid (bookings stay held)
    from credits.models import AccountKind
    from credits.services import Leg, platform_account, post_transfer, user_account
    from payments.errors import InvalidItem
    from payments.ledger import clearing_to_revenue
    from payments.purposes import Purpose, Quote, register

    from .models import Booking, BookingStatus, Gift, LessonPackage, PackageStatus
    from .services.bookings import cancel_for_refund, confirm_payment, refund_fraction
    from .services.gifts import gift_paid
    from .services.packages import close_for_refund, package_paid
    from .services.sessions import hold_in_dispute, settle_disputed_lesson

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
            the teacher cancelled) and has not come back yet (a refund that failed). An
            upcoming lesson or group-session seat is refunded in full until the free
            cancellation deadline (``free_cancellation_hours`` before the start), as the
            learner's own cancellation would be; approving then cancels it
            (``refund_granted``). Later, and for lessons that took place, a finance admin
            decides."""
            booking = Booking.objects.get(pk=payment.item["booking"])
            if booking.status == BookingStatus.CONFIRMED:
                now = timezone.now()
                if booking.start > now and refund_fraction(
                    booking, by_teacher=False, now=now
                ) == Decimal("1"):
                    return payment.refundable
                return Decimal("0")
            if booking.status != BookingStatus.CANCELLED:
                return Decimal("0")
            owed = booking.refunded_amount - payment.amount_refunded
            return max(Decimal("0"), min(owed, payment.refundable))

        def refund_granted(self, payment: Any, *, amount: Decimal) -> None:
            cancel_for_refund(payment.item["booking"], refunded=amount)

        def complaint_opened(self, payment: Any) -> None:
            hold_in_dispute(payment.item["booking"])

        def settle_dispute(self, payment: Any, *, refunded: Decimal) -> Decimal:
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
            gift = Gift.objects.select_related("booking__teacher__user").get(
                pk=payment.item["gift"]
            )
            teacher_share, commission = split_commission(payment.amount)
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

    class PackagePurpose(Purpose):
        name = PACKAGE_PURPOSE

        def quote(self, user: "User", item: dict[str, Any], currency: str) -> Quote:
            package = (
                LessonPackage.objects.select_related("gig")
                .filter(pk=str(item.get("package", "")), learner=user, status=PackageStatus.PENDING)
                .first()
            )
            if package is None:
                raise InvalidItem("No unpaid package of yours with that id.")
            if package.currency != currency:
                raise InvalidItem(f"This package is priced in {package.currency}.")
            return Quote(
                amount=package.price,
                currency=package.currency,
                description=(
                    f"Package: {package.lessons} lessons of {package.gig.title} ({package.minutes} min)"
                ),
                item={"package": str(package.pk)},
            )

        def fulfil(self, payment: Any) -> None:
            post_transfer(
                kind="tutoring_package",
                idempotency_key=f"payment:{payment.pk}",
                legs=clearing_to_revenue(payment.currency, payment.amount),
                memo=payment.description,
                metadata={"payment": str(payment.pk), "package": payment.item["package"]},
            )
            package_paid(payment.item["package"], payment_reference=str(payment.pk))

        def counterparty(self, payment: Any) -> Any:
            package = LessonPackage.objects.select_related("teacher__user").get(
                pk=payment.item["package"]
            )
            return package.teacher.user

        def automatic_refund(self, payment: Any) -> Decimal:
            """An open package's unused lessons (``unit_price`` each, pro rata) are refunded
            on request within ``REFUND_AUTO_PACKAGE_DAYS`` after the purchase; approving
            closes the package (``refund_granted``). Lessons booked or taken are not
            refunded automatically; later requests wait for a finance admin."""
            days = int(settings.REFUND_AUTO_PACKAGE_DAYS)
            paid_at = payment.succeeded_at or payment.created_at
            if days <= 0 or timezone.now() - paid_at > timedelta(days=days):
                return Decimal("0")
            package = LessonPackage.objects.get(pk=payment.item["package"])
            if package.status != PackageStatus.ACTIVE:
                return Decimal("0")
            unused = package.lessons - package.lessons_used - package.refunded_lessons
            return max(Decimal("0"), min(package.unit_price * unused, payment.refundable))

        def refund_granted(self, payment: Any, *, amount: Decimal) -> None:
            close_for_refund(payment.item["package"], refunded=amount)

    register(BookingPurpose())
    register(GiftPurpose())
    register(PackagePurpose())
