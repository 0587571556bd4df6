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

    class PaidInAdvance(Purpose):
        """A learner's own unpaid thing (a held booking, a pending package) paid in full into
        revenue, then released to the teacher lesson by lesson; ``item`` is
        ``{item_key: id}``."""

        item_key = ""
        model: Any = None
        unpaid_status = ""
        #: Refusals of ``quote``: none of yours, or priced in another currency.
        not_found = ""
        other_currency = ""

        def describe(self, thing: Any) -> str:
            raise NotImplementedError

        def paid(self, item_id: str, *, payment_reference: str) -> None:
            raise NotImplementedError

        def quote(self, user: "User", item: dict[str, Any], currency: str) -> Quote:
            thing = (
                self.model.objects.select_related("gig")
                .filter(
                    pk=str(item.get(self.item_key, "")),
                    learner=user,
                    status=self.unpaid_status,
                )
                .first()
            )
            if thing is None:
                raise InvalidItem(self.not_found)
            if thing.currency != currency:
                raise InvalidItem(self.other_currency % thing.currency)
            return Quote(
                amount=thing.price,
                currency=thing.currency,
                description=self.describe(thing),
                item={self.item_key: str(thing.pk)},
            )

        def fulfil(self, payment: Any) -> None:
            item_id = payment.item[self.item_key]
            post_transfer(
                kind=self.name,
                idempotency_key=f"payment:{payment.pk}",
                legs=clearing_to_revenue(payment.currency, payment.amount),
                memo=payment.description,
                metadata={"payment": str(payment.pk), self.item_key: item_id},
            )
            self.paid(item_id, payment_reference=str(payment.pk))

        def counterparty(self, payment: Any) -> Any:
            thing = self.model.objects.select_related("teacher__user").get(
                pk=payment.item[self.item_key]
            )
            return thing.teacher.user

    class BookingPurpose(PaidInAdvance):
        name = BOOKING_PURPOSE
        item_key = "booking"
        model = Booking
        unpaid_status = BookingStatus.HELD
        not_found = "No held booking of yours with that id."
        other_currency = "This lesson is priced in %s."

        def describe(self, booking: Any) -> str:
            return f"Lesson: {booking.gig.title} ({booking.minutes} min)"

        def paid(self, item_id: str, *, payment_reference: str) -> None:
            confirm_payment(item_id, payment_reference=payment_reference)

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

    class PackagePurpose(PaidInAdvance):
        name = PACKAGE_PURPOSE
        item_key = "package"
        model = LessonPackage
        unpaid_status = PackageStatus.PENDING
        not_found = "No unpaid package of yours with that id."
        other_currency = "This package is priced in %s."

        def describe(self, package: Any) -> str:
            return (
                f"Package: {package.lessons} lessons of {package.gig.title} ({package.minutes} min)"
            )

        def paid(self, item_id: str, *, payment_reference: str) -> None:
            package_paid(item_id, payment_reference=payment_reference)

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
