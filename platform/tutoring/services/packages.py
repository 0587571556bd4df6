"""Lesson packages: a learner buys N lessons of a gig at once (at the gig's package
discount), then books them one by one without paying again.

* ``create_package`` makes the unpaid package; the payments checkout (purpose
  ``tutoring_package``, ``tutoring.payments``) takes the money and calls ``package_paid``.
* ``book_from_package`` books a lesson straight into ``confirmed``: its price is the
  package's ``unit_price`` and it is paid by the package's payment, so finishing, confirming,
  no-shows and late cancellations settle it exactly like a single lesson (the teacher is
  paid ``unit_price`` from revenue, refunds leave the package's payment).
* A lesson cancelled in time (or by the teacher) goes back to the package
  (``return_lesson``, from ``bookings.cancel_booking``).
* ``refund_unused`` closes the package and refunds its unused lessons pro rata through the
  payments app's refund path; ``expire_packages`` does the same for packages whose gig
  gave them a validity and whose time is up.

``lessons_used`` only changes with the package row locked ``FOR UPDATE``, so two
concurrent bookings can never take the same last lesson.
"""

from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from core import activity, dispatch

from .. import payments
from ..errors import (
    InvalidPackageState,
    NotAllowed,
    NotBookable,
    PackageUsedUp,
    SlotTaken,
    SlotUnavailable,
)
from ..models import (
    Booking,
    BookingEvent,
    BookingStatus,
    Gig,
    LessonPackage,
    LessonType,
    MeetingProvider,
    PackageStatus,
    PricingMode,
)
from ..selectors import slots
from .rows import insert_booking

CENT = Decimal("0.01")


def unit_price(gig: Gig, minutes: int) -> Decimal:
    """One lesson of a package: the gig's price for ``minutes`` less its package discount."""
    price = gig.price_for(minutes)
    if price is None:
        raise NotBookable(f"This gig is not offered for {minutes} minutes.")
    discount = Decimal(100 - gig.package_discount_percent) / 100
    return (price * discount).quantize(CENT, rounding=ROUND_HALF_UP)


def create_package(*, learner: User, gig: Gig, minutes: int, lessons: int) -> LessonPackage:
    """The learner's unpaid package (an unpaid one of the same kind is reused, so a second
    click does not pile up packages)."""
    listing = gig.listing
    if not listing.is_listed or not gig.is_active:
        raise NotBookable()
    if learner.pk == listing.user_id:
        raise NotAllowed("You cannot buy your own lessons.")
    if lessons not in (gig.package_sizes or []):
        raise NotBookable("This gig does not offer a package of that many lessons.")
    unit = unit_price(gig, minutes)
    existing = LessonPackage.objects.filter(
        learner=learner,
        gig=gig,
        minutes=minutes,
        lessons=lessons,
        unit_price=unit,
        status=PackageStatus.PENDING,
    ).first()
    if existing is not None:
        return existing
    return LessonPackage.objects.create(
        learner=learner,
        teacher=listing,
        gig=gig,
        minutes=minutes,
        lessons=lessons,
        currency=gig.currency,
        unit_price=unit,
        price=unit * lessons,
    )


def lock(package_id: Any) -> LessonPackage:
    return (
        LessonPackage.objects.select_for_update(of=("self",))
        .select_related("gig__listing", "teacher")
        .get(pk=package_id)
    )


def package_paid(
    package_id: Any, *, payment_reference: str, now: datetime | None = None
) -> LessonPackage:
    """The checkout's fulfilment: the package can be booked from now on (idempotent)."""
    now = now or timezone.now()
    with transaction.atomic():
        package = lock(package_id)
        if package.paid_at is not None:
            return package
        package.paid_at = now
        package.payment_reference = payment_reference
        package.status = PackageStatus.ACTIVE
        days = package.gig.package_valid_days
        package.expires_at = now + timedelta(days=days) if days else None
        package.save()
        activity.record(
            package.learner_id,
            "tutoring.package_bought",
            obj=package,
            data={
                "package_id": str(package.pk),
                "teacher_id": str(package.teacher_id),
                "lessons": package.lessons,
            },
        )
    return package


def book_from_package(
    package_id: Any,
    *,
    learner: User,
    start: datetime,
    now: datetime | None = None,
    meeting_provider: str = MeetingProvider.CLASSROOM,
) -> Booking:
    """Books one lesson of the package at ``start`` (one of the teacher's free slots),
    confirmed at once."""
    now = now or timezone.now()
    start = start.astimezone(UTC)
    with transaction.atomic():
        package = lock(package_id)
        if package.learner_id != learner.pk:
            raise NotAllowed()
        if package.status != PackageStatus.ACTIVE:
            raise InvalidPackageState("Only a paid, open package can be booked from.")
        if package.expires_at is not None and start >= package.expires_at:
            raise InvalidPackageState("This package expires before that time.")
        if package.lessons_used >= package.lessons:
            raise PackageUsedUp()
        listing = package.teacher
        if not listing.is_listed:
            raise NotBookable()
        if not slots.is_bookable(listing, start, package.minutes, now=now):
            end = start + timedelta(minutes=package.minutes)
            if slots.busy_intervals(listing, start, end, now):
                raise SlotTaken()
            raise SlotUnavailable()
        gig = package.gig
        end = start + timedelta(minutes=package.minutes)
        booking = Booking(
            teacher=listing,
            learner=learner,
            gig=gig,
            package=package,
            lesson_type=LessonType.PACKAGE,
            status=BookingStatus.CONFIRMED,
            start=start,
            end=end,
            blocked_start=start - timedelta(minutes=listing.buffer_before_minutes),
            blocked_end=end + timedelta(minutes=listing.buffer_after_minutes),
            currency=package.currency,
            price=package.unit_price,
            price_per_minute=gig.price_per_minute
            if gig.pricing_mode == PricingMode.PER_MINUTE
            else None,
            paid_at=package.paid_at,
            payment_reference=package.payment_reference,
            confirmed_at=now,
            meeting_provider=meeting_provider,
        )
        insert_booking(booking, now=now)
        BookingEvent.objects.create(
            booking=booking,
            to_status=BookingStatus.CONFIRMED,
            actor=learner,
            note=f"booked from package {package.pk}",
        )
        LessonPackage.objects.filter(pk=package.pk).update(lessons_used=F("lessons_used") + 1)
        dispatch.enqueue_on_commit("tutoring.tasks.booking_confirmed", str(booking.pk))
        activity.record(
            learner.pk,
            "tutoring.booking_confirmed",
            obj=booking,
            data={"booking_id": str(booking.pk), "teacher_id": str(booking.teacher_id)},
        )
    return booking


def return_lesson(package_id: Any, booking_id: Any) -> None:
    """A cancelled lesson of the package can be booked again (inside the cancellation's
    transaction). A package closed meanwhile refunds it instead."""
    package = lock(package_id)
    if package.status == PackageStatus.ACTIVE:
        LessonPackage.objects.filter(pk=package.pk).update(lessons_used=F("lessons_used") - 1)
        return
    # Closed or expired: its unused lessons were refunded already, so this one is too.
    LessonPackage.objects.filter(pk=package.pk).update(
        lessons_used=F("lessons_used") - 1,
        refunded_lessons=F("refunded_lessons") + 1,
        refunded_amount=F("refunded_amount") + package.unit_price,
    )
    payments.refund_package(
        package, package.unit_price, reason="lesson cancelled", key=f"return:{booking_id}"
    )


def refund_unused(
    package_id: Any,
    *,
    by: User | None,
    now: datetime | None = None,
    status: str = PackageStatus.CLOSED,
    reason: str = "unused lessons",
) -> LessonPackage:
    """Closes the package and refunds its unused lessons (``unit_price`` each) through the
    payments app's refund path, after commit. Lessons already booked still take place."""
    now = now or timezone.now()
    with transaction.atomic():
        package = lock(package_id)
        if by is not None and by.pk != package.learner_id:
            raise NotAllowed()
        if package.status != PackageStatus.ACTIVE:
            raise InvalidPackageState("Only an open package can be refunded.")
        unused = package.lessons - package.lessons_used - package.refunded_lessons
        amount = package.unit_price * unused
        package.refunded_lessons += unused
        package.refunded_amount += amount
        package.status = status
        package.closed_at = now
        package.save()
        if amount:
            payments.refund_package(package, amount, reason=reason, key="unused")
    return package


def expire_packages(now: datetime | None = None) -> int:
    """Closes the packages whose validity ran out, refunding their unused lessons."""
    now = now or timezone.now()
    due = list(
        LessonPackage.objects.filter(status=PackageStatus.ACTIVE, expires_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    for package_id in due:
        try:
            refund_unused(
                package_id, by=None, now=now, status=PackageStatus.EXPIRED, reason="expired"
            )
        except InvalidPackageState:
            continue  # closed meanwhile
    return len(due)


def close_packages_of(user: User, *, now: datetime | None = None) -> int:
    """Account deletion: every open package the person bought or sells is closed and its
    unused lessons refunded (call after their upcoming lessons were cancelled, which
    returned those lessons to the packages)."""
    open_packages = LessonPackage.objects.filter(status=PackageStatus.ACTIVE)
    ids = list(
        (open_packages.filter(learner=user) | open_packages.filter(teacher_id=user.pk))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for package_id in ids:
        refund_unused(package_id, by=None, now=now, reason="account closed")
    LessonPackage.objects.filter(learner=user, status=PackageStatus.PENDING).update(
        status=PackageStatus.ABANDONED
    )
    return len(ids)


def close_for_refund(package_id: Any, *, refunded: Decimal, now: datetime | None = None) -> None:
    """A refund request for the package's payment was approved and ``refunded`` given back
    through payments: an open package is closed so that its unused lessons can no longer be
    booked (lessons already booked still take place and pay the teacher). Inside the
    approval's transaction; a package closed already is left as it is."""
    now = now or timezone.now()
    package = lock(package_id)
    if package.status != PackageStatus.ACTIVE:
        return
    package.refunded_lessons += package.lessons - package.lessons_used - package.refunded_lessons
    package.refunded_amount += refunded
    package.status = PackageStatus.CLOSED
    package.closed_at = now
    package.save()
