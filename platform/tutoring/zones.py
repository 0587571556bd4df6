"""Which time zone a marketplace time is entered and shown in, in one place.

The rule, for every tutoring page, email and notification:

* **As a teacher** (their dashboard, their group-session pages, a lesson they teach, the
  notifications they receive as the teacher) times are in the listing's ``time_zone``: the
  zone their weekly hours are written in, so what they enter and what they read agree with
  their posted hours, even while their profile zone follows them on a trip.
* **As a learner** (browsing, booking, paying, their dashboard, their notifications) times
  are in the profile's ``time_zone`` (a page's ``?tz=`` may override it for a visit).
* Everything is stored in UTC; a shown time always says its zone.
"""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC_ZONE = ZoneInfo("UTC")


def zone_named(name: str | None) -> ZoneInfo:
    """``name`` as a zone; UTC when it is empty or unknown."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return UTC_ZONE


def profile_zone(user: Any) -> ZoneInfo:
    """The zone ``user`` lives in as a learner: their profile's."""
    profile = getattr(user, "profile", None) if user is not None else None
    return zone_named(getattr(profile, "time_zone", ""))


def teaching_zone(listing: Any) -> ZoneInfo:
    """The zone a teacher enters and reads their times in: their listing's."""
    return zone_named(getattr(listing, "time_zone", ""))


def when(moment: datetime, zone: ZoneInfo, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """``moment`` as text for a notification: local to ``zone`` and naming it, e.g.
    ``2026-03-30 10:00 (Europe/Berlin)``."""
    return f"{moment.astimezone(zone):{pattern}} ({zone.key})"
