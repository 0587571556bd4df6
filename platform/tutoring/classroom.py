"""The lesson's meeting place: a Toto classroom (the real-time issue's ``rooms`` app) or a
Zoom meeting, and who was present when."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.apps import apps

from .selectors.slots import Interval, merge

if TYPE_CHECKING:
    from .models import Booking


def both_present_seconds(
    first: Iterable[Interval], second: Iterable[Interval], within: Interval | None = None
) -> int:
    """Seconds during which both people were present (their presence intervals may repeat
    and overlap: reconnects), optionally clipped to ``within``."""
    a: Sequence[Interval] = merge(first)
    b: Sequence[Interval] = merge(second)
    total = 0.0
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i].start, b[j].start)
        end = min(a[i].end, b[j].end)
        if within is not None:
            start, end = max(start, within.start), min(end, within.end)
        if end > start:
            total += (end - start).total_seconds()
        if a[i].end < b[j].end:
            i += 1
        else:
            j += 1
    return int(total)


def create_classroom(booking: "Booking") -> str:
    from rooms.services import create_classroom as create

    room = create(
        title=f"{booking.gig.title} · {booking.learner.get_short_name()}",
        host=booking.teacher.user,
        participants=[booking.learner],
        starts_at=booking.start,
        ends_at=booking.end,
    )
    return str(room.pk)


def attendance(booking: "Booking", until: datetime) -> dict[str, list[Interval]]:
    """Presence intervals per user id, from the room's recorded attendance (a visit still
    open counts until ``until``)."""
    if not booking.room_id or not apps.is_installed("rooms"):
        return {}
    from rooms.models import Attendance

    found: dict[str, list[Interval]] = {}
    for user_id, joined, left in Attendance.objects.filter(room_id=booking.room_id).values_list(
        "user_id", "joined_at", "left_at"
    ):
        found.setdefault(str(user_id), []).append(Interval(joined, left or until))
    return found
