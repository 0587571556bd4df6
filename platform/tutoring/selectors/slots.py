"""Free slots of a teacher, computed from their weekly hours (wall-clock times in their time
zone), exceptions, buffers, notice, horizon and what is already booked.

Every instant is handled in UTC; local times are turned into instants one calendar day at a
time with ``zoneinfo``, so a "09:00" on the Monday after a daylight-saving change is still
09:00 there. A local time that does not exist (the hour skipped in spring) starts at the
first minute that does; a repeated one (autumn) means its first occurrence. Hours that end
at 23:59 or later run to midnight (a time field cannot say 24:00), so "20:00-23:59" on Monday
and "00:00-02:00" on Tuesday make one window and a lesson may cross midnight.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from ..models import (
    ACTIVE_BOOKING_STATUSES,
    AvailabilityException,
    Booking,
    BookingStatus,
    ExceptionKind,
    TeacherListing,
    WeeklyHours,
)
from ..models.bookings import GroupSession

MAX_SEARCH_DAYS = 62
END_OF_DAY = time(23, 59)


@dataclass(frozen=True, order=True)
class Interval:
    start: datetime
    end: datetime


def _exists(naive: datetime, zone: ZoneInfo) -> bool:
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == naive


def local_to_utc(day: date, wall: time, zone: ZoneInfo) -> datetime:
    naive = datetime.combine(day, wall)
    # Gaps are at most a few hours long; step to the first existing minute.
    for _ in range(24 * 60):
        if _exists(naive, zone):
            return naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
        naive += timedelta(minutes=1)
    raise ValueError(f"{day} {wall} does not exist in {zone}")


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for interval in sorted(intervals):
        if merged and interval.start <= merged[-1].end:
            if interval.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, interval.end)
        else:
            merged.append(interval)
    return merged


def subtract(intervals: Sequence[Interval], holes: Iterable[Interval]) -> list[Interval]:
    result = list(intervals)
    for hole in holes:
        next_result = []
        for interval in result:
            if hole.end <= interval.start or hole.start >= interval.end:
                next_result.append(interval)
                continue
            if hole.start > interval.start:
                next_result.append(Interval(interval.start, hole.start))
            if hole.end < interval.end:
                next_result.append(Interval(hole.end, interval.end))
        result = next_result
    return result


def weekly_windows(
    hours: Iterable[WeeklyHours], zone: ZoneInfo, start: datetime, end: datetime
) -> list[Interval]:
    """The weekly hours as UTC intervals overlapping [start, end)."""
    by_weekday: dict[int, list[WeeklyHours]] = defaultdict(list)
    for entry in hours:
        by_weekday[entry.weekday].append(entry)
    windows = []
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    while day <= last:
        for entry in by_weekday.get(day.weekday(), ()):
            if entry.end_time >= END_OF_DAY:
                window_end = local_to_utc(day + timedelta(days=1), time(0), zone)
            else:
                window_end = local_to_utc(day, entry.end_time, zone)
            window = Interval(local_to_utc(day, entry.start_time, zone), window_end)
            if window.end > window.start and window.end > start and window.start < end:
                windows.append(window)
        day += timedelta(days=1)
    return windows


def busy_intervals(
    listing: TeacherListing, start: datetime, end: datetime, now: datetime
) -> list[Interval]:
    """The teacher's blocked time (buffers included) overlapping [start, end): active
    bookings, except holds that have run out, and published group sessions."""
    bookings = (
        Booking.objects.filter(
            teacher=listing,
            group_session__isnull=True,
            status__in=ACTIVE_BOOKING_STATUSES,
            blocked_start__lt=end,
            blocked_end__gt=start,
        )
        .exclude(status=BookingStatus.HELD, hold_expires_at__lte=now)
        .values_list("blocked_start", "blocked_end")
    )
    before = timedelta(minutes=listing.buffer_before_minutes)
    after = timedelta(minutes=listing.buffer_after_minutes)
    sessions = GroupSession.objects.filter(
        teacher=listing, cancelled=False, start__lt=end + before, end__gt=start - after
    ).values_list("start", "end")
    return merge(
        [Interval(s, e) for s, e in bookings]
        + [Interval(s - before, e + after) for s, e in sessions]
    )


def available_windows(listing: TeacherListing, start: datetime, end: datetime) -> list[Interval]:
    zone = ZoneInfo(listing.time_zone)
    hours = list(listing.weekly_hours.all())
    exceptions = list(
        AvailabilityException.objects.filter(listing=listing, start__lt=end, end__gt=start)
    )
    windows = weekly_windows(hours, zone, start, end)
    windows += [Interval(x.start, x.end) for x in exceptions if x.kind == ExceptionKind.EXTRA]
    return subtract(
        merge(windows),
        [Interval(x.start, x.end) for x in exceptions if x.kind == ExceptionKind.TIME_OFF],
    )


def free_slots(
    listing: TeacherListing,
    minutes: int,
    start: datetime,
    end: datetime,
    *,
    now: datetime | None = None,
) -> list[Interval]:
    """Lesson slots of ``minutes`` starting in [start, end), in UTC, ascending."""
    now = now or timezone.now()
    duration = timedelta(minutes=minutes)
    before = timedelta(minutes=listing.buffer_before_minutes)
    after = timedelta(minutes=listing.buffer_after_minutes)
    step = timedelta(minutes=listing.slot_step_minutes)
    earliest = max(start, now + timedelta(minutes=listing.minimum_notice_minutes))
    latest = min(end, now + timedelta(days=listing.booking_horizon_days))
    if earliest >= latest:
        return []
    latest = min(latest, earliest + timedelta(days=MAX_SEARCH_DAYS))

    windows = available_windows(listing, earliest - duration, latest + duration)
    busy = busy_intervals(listing, earliest - duration - before, latest + duration + after, now)
    slots = []
    for window in windows:
        candidate = window.start
        while candidate + duration <= window.end:
            if earliest <= candidate < latest:
                blocked = Interval(candidate - before, candidate + duration + after)
                if not any(b.start < blocked.end and blocked.start < b.end for b in busy):
                    slots.append(Interval(candidate, candidate + duration))
            candidate += step
    return slots


def is_bookable(
    listing: TeacherListing, start: datetime, minutes: int, *, now: datetime | None = None
) -> bool:
    found = free_slots(listing, minutes, start, start + timedelta(minutes=1), now=now)
    return any(slot.start == start for slot in found)


def next_free_slots(
    listing: TeacherListing, minutes: int, count: int = 5, *, now: datetime | None = None
) -> list[Interval]:
    now = now or timezone.now()
    found: list[Interval] = []
    window_start = now
    for _ in range(6):  # about two months, two weeks at a time
        window_end = window_start + timedelta(days=14)
        found += free_slots(listing, minutes, window_start, window_end, now=now)
        if len(found) >= count:
            break
        window_start = window_end
    return found[:count]


def exists_overlapping_session(listing: TeacherListing, blocked: Interval) -> bool:
    before = timedelta(minutes=listing.buffer_before_minutes)
    after = timedelta(minutes=listing.buffer_after_minutes)
    return GroupSession.objects.filter(
        Q(teacher=listing, cancelled=False),
        start__lt=blocked.end + before,
        end__gt=blocked.start - after,
    ).exists()
