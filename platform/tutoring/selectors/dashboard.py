"""What the learner's and the teacher's dashboards show, each a fixed number of queries."""

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import User

from ..models import (
    Booking,
    BookingStatus,
    TeacherListing,
    TimeRequest,
    TimeRequestStatus,
)
from .bookings import bookings_of

UPCOMING = (BookingStatus.HELD, BookingStatus.CONFIRMED, BookingStatus.IN_PROGRESS)
# Paid, not yet delivered: the teacher is credited when the lesson completes.
PENDING_EARNINGS = (
    BookingStatus.CONFIRMED,
    BookingStatus.IN_PROGRESS,
    BookingStatus.AWAITING_CONFIRMATION,
    BookingStatus.DISPUTED,
)


def upcoming(user: User, *, role: str, now: datetime | None = None) -> QuerySet[Booking]:
    now = now or timezone.now()
    return (
        bookings_of(user, role=role)
        .filter(status__in=UPCOMING, end__gt=now)
        .exclude(status=BookingStatus.HELD, hold_expires_at__lte=now)
        .order_by("start")
    )


def history(user: User, *, role: str, now: datetime | None = None) -> QuerySet[Booking]:
    now = now or timezone.now()
    return (
        bookings_of(user, role=role)
        .exclude(status__in=UPCOMING, end__gt=now)
        .exclude(status=BookingStatus.HELD)
        .order_by("-start")
    )


def spend(learner: User) -> list[dict[str, Any]]:
    """What the learner paid for lessons, less refunds, per currency."""
    rows = (
        Booking.objects.filter(learner=learner, paid_at__isnull=False)
        .values("currency")
        .annotate(paid=Sum("price"), refunded=Sum("refunded_amount"), lessons=Count("pk"))
        .order_by("currency")
    )
    return [{**row, "net": row["paid"] - row["refunded"]} for row in rows]


def earnings(teacher: User) -> list[dict[str, Any]]:
    """Per currency: ``available`` is what a payout may take (the earnings account's balance
    less ``owed``, what the teacher owes the platform, repaid first: ``credits.claims``);
    ``pending`` the teacher's share of lessons paid but not delivered yet."""
    from credits.selectors import earnings_summary

    from ..payments import commission_rate

    share = 1 - commission_rate()
    found: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: {"available": Decimal("0"), "owed": Decimal("0"), "pending": Decimal("0")}
    )
    for row in earnings_summary(teacher):
        found[row["currency"]]["available"] = row["payable"]
        found[row["currency"]]["owed"] = row["outstanding_debt"]
    for pending in (
        Booking.objects.filter(teacher_id=teacher.pk, status__in=PENDING_EARNINGS)
        .values("currency")
        .annotate(total=Sum("price"), refunded=Sum("refunded_amount"))
        .order_by()
    ):
        found[pending["currency"]]["pending"] = (
            (pending["total"] - pending["refunded"]) * share
        ).quantize(Decimal("0.01"))
    return [{"currency": c, **amounts} for c, amounts in sorted(found.items())]


def payouts(teacher: User, limit: int = 10) -> list[Any]:
    from payouts.models import PayoutRequest

    return list(PayoutRequest.objects.filter(payee=teacher).order_by("-requested_at")[:limit])


def pending_requests(teacher: User) -> QuerySet[TimeRequest]:
    return (
        TimeRequest.objects.filter(gig__listing_id=teacher.pk, status=TimeRequestStatus.PENDING)
        .select_related("learner", "gig")
        .order_by("start")
    )


def students(teacher: User) -> QuerySet[User]:
    """The teacher's learners with their progress in this teacher's lessons: lessons
    completed, minutes taught, the last lesson and their average rating of it."""
    done = Q(tutoring_bookings__teacher_id=teacher.pk) & Q(
        tutoring_bookings__status=BookingStatus.COMPLETED
    )
    return (
        User.objects.filter(tutoring_bookings__teacher_id=teacher.pk)
        .annotate(
            lessons_completed=Count("tutoring_bookings", filter=done),
            minutes_billed=Sum("tutoring_bookings__billed_minutes", filter=done),
            last_lesson=Max("tutoring_bookings__start", filter=done),
            upcoming_lessons=Count(
                "tutoring_bookings",
                filter=Q(tutoring_bookings__teacher_id=teacher.pk)
                & Q(tutoring_bookings__status=BookingStatus.CONFIRMED),
            ),
        )
        .order_by("-last_lesson", "first_name")
    )


def listing_of(user: User | AnonymousUser) -> TeacherListing | None:
    if not user.is_authenticated:
        return None
    return TeacherListing.objects.filter(user=user).first()
