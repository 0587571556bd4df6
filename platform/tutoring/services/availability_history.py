"""Keeps ``OfferedHoursWeek``: the total of the verified teachers' recurring weekly hours,
recorded for the current UTC week whenever it may have changed, so the fill rate of a past
week divides by what was offered then rather than by today's hours."""

from __future__ import annotations

from django.db import transaction

from ..models import OfferedHoursWeek
from ..selectors.fill_rate import monday, recurring_minutes_now, today


def record_offered_hours() -> OfferedHoursWeek:
    """Records this week's total as it is now (an upsert: the week's last change wins)."""
    row, _created = OfferedHoursWeek.objects.update_or_create(
        week=monday(today()), defaults={"minutes": recurring_minutes_now()}
    )
    return row


def record_offered_hours_on_commit() -> None:
    """After the caller's transaction commits, so the total counts the change and every
    change committed before it (two teachers saving at once: the later record sees both)."""
    transaction.on_commit(record_offered_hours)
