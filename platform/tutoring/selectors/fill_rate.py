"""Availability offered and booked, per week, for the marketplace dashboard's fill rate.

Offered time is the verified teachers' recurring weekly hours as they stood in that week
(``OfferedHoursWeek``, recorded at every change; a week without a record carries the last
earlier one forward, and weeks before the first record use today's hours), plus their "extra
hours" and minus their "time off" exceptions, each exception counted in the UTC week it
starts in. Booked time is the length of the one-to-one
lessons that took a slot (confirmed, in progress, awaiting confirmation, disputed, completed
or a no-show: the slot was taken), in the UTC week they start in. Held, expired and
cancelled bookings gave the slot back. Group-session seats are left out: many seats share
one slot of the teacher's time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.db.models import DurationField, ExpressionWrapper, F, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from ..models import (
    AvailabilityException,
    Booking,
    BookingStatus,
    ExceptionKind,
    ListingStatus,
    OfferedHoursWeek,
    WeeklyHours,
)

TOOK_A_SLOT = (
    BookingStatus.CONFIRMED,
    BookingStatus.IN_PROGRESS,
    BookingStatus.AWAITING_CONFIRMATION,
    BookingStatus.DISPUTED,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
)


def _minutes(value: timedelta | None) -> int:
    return int(value.total_seconds() // 60) if value else 0


def _length(start: str, end: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def today() -> date:
    return timezone.now().astimezone(UTC).date()


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _utc(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC)


def recurring_minutes_now() -> int:
    """The verified teachers' recurring weekly hours, in minutes, as they are now."""
    return _minutes(
        WeeklyHours.objects.filter(listing__status=ListingStatus.VERIFIED).aggregate(
            total=Sum(_length("start_time", "end_time"))
        )["total"]
    )


def recurring_minutes_by_week(weeks: list[date]) -> dict[date, int]:
    """The recurring hours offered in each week (Mondays, in order): the recorded history,
    each record carried forward to the weeks after it, and today's hours for the current
    week and for weeks before the first record. One or two queries."""
    # One row per week at most: the newest len(weeks) + 1 rows up to the last week hold every
    # record inside the weeks and the last one before them.
    history = list(
        OfferedHoursWeek.objects.filter(week__lte=weeks[-1])
        .order_by("-week")
        .values_list("week", "minutes")[: len(weeks) + 1]
    )
    recorded = dict(history)
    earlier = next((minutes for week, minutes in history if week < weeks[0]), None)
    this_week = monday(today())
    now = (
        recurring_minutes_now()
        if this_week in weeks or (earlier is None and weeks[0] not in recorded)
        else 0
    )
    offered: dict[date, int] = {}
    carried = now if earlier is None else earlier
    for week in weeks:
        carried = recorded.get(week, carried)
        offered[week] = now if week == this_week else carried
    return offered


def availability_minutes_by_week(weeks: list[date]) -> dict[date, int]:
    """Offered minutes per week (``weeks``: Mondays, in order). Two or three queries."""
    if not weeks:
        return {}
    offered = recurring_minutes_by_week(weeks)
    for row in (
        AvailabilityException.objects.filter(
            listing__status=ListingStatus.VERIFIED,
            start__gte=_utc(weeks[0]),
            start__lt=_utc(weeks[-1] + timedelta(days=7)),
        )
        .annotate(week=TruncWeek("start", tzinfo=UTC))
        .values("week", "kind")
        .annotate(total=Sum(_length("start", "end")))
        .order_by()
    ):
        week = row["week"].date()
        if week in offered:
            sign = 1 if row["kind"] == ExceptionKind.EXTRA else -1
            offered[week] = max(0, offered[week] + sign * _minutes(row["total"]))
    return offered


def booked_minutes_by_week(weeks: list[date]) -> dict[date, int]:
    """Minutes of one-to-one lessons that took a slot, per week. One query."""
    if not weeks:
        return {}
    booked = dict.fromkeys(weeks, 0)
    for row in (
        Booking.objects.filter(
            group_session__isnull=True,
            status__in=TOOK_A_SLOT,
            start__gte=_utc(weeks[0]),
            start__lt=_utc(weeks[-1] + timedelta(days=7)),
        )
        .annotate(week=TruncWeek("start", tzinfo=UTC))
        .values("week")
        .annotate(total=Sum(_length("start", "end")))
        .order_by()
    ):
        week = row["week"].date()
        if week in booked:
            booked[week] = _minutes(row["total"])
    return booked
