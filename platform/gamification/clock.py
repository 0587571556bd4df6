"""Days and weeks. A learner's day is a calendar date in their own zone (DST handled by
zoneinfo: a 23- or 25-hour day is still one day). Leagues share one week for everybody:
Monday 00:00 UTC to the next Monday 00:00 UTC, so that all members of a league race for the
same 168 hours wherever they live."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def local_day(moment: datetime, zone_name: str) -> date:
    return moment.astimezone(zone(zone_name)).date()


def week_start(moment: datetime) -> date:
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def week_end(start: date) -> datetime:
    return datetime(start.year, start.month, start.day, tzinfo=UTC) + timedelta(days=7)


def days_between(first: date, last: date) -> list[date]:
    """Every date from ``first`` to ``last``, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
