"""The lesson's meeting place in the ``rooms`` app, and who was present
when (its recorded ``Attendance``)."""

import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from core import fanout

from .selectors.slots import Interval, merge

if TYPE_CHECKING:
    from .models import Booking, GroupSession


def both_present_seconds(
    first: Iterable[Interval], second: Iterable[Interval], within: Interval | None = None
) -> int:
    """Seconds during which both people were present (their presence intervals may repeat
    and overlap: reconnects), optionally clipped to ``within``.

    ``rooms.selectors.overlap_seconds`` answers the same without the clipping; billing
    needs it so that waiting together before the start is not billed."""
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
    """A classroom for the lesson: the teacher hosts and admits the learner."""
    from rooms.services import create_classroom as create

    room = create(
        booking.teacher.user,
        [booking.learner],
        booking.start,
        topic=f"{booking.gig.title} · {booking.learner.get_short_name()}",
        language=booking.gig.language,
        capacity=2,
    )
    return str(room.pk)


def presence(booking: "Booking") -> tuple[list[Interval], list[Interval]]:
    """The teacher's and the learner's presence in the lesson's room, from the attendance
    the room recorded (a visit still open counts until now)."""
    if not booking.room_id:
        return [], []
    from rooms.selectors import presence_intervals

    return (
        [Interval(s, e) for s, e in presence_intervals(booking.room_id, booking.teacher.user)],
        [Interval(s, e) for s, e in presence_intervals(booking.room_id, booking.learner)],
    )


def room_group(booking: "Booking") -> str | None:
    """The channel group every socket in the lesson's room listens on."""
    if not booking.room_id:
        return None
    # Groups are named from the room's UUID (hex); room_id is stored as text.
    return fanout.room_group(uuid.UUID(booking.room_id))


def create_group_classroom(session: "GroupSession") -> str:
    """The one classroom of a group session: the teacher hosts; learners are added as their
    seats are paid (``seat_learner``). Room for every seat plus the teacher."""
    from rooms.services import create_classroom as create

    room = create(
        session.teacher.user,
        [],
        session.start,
        topic=session.topic,
        language=session.gig.language,
        capacity=session.seats + 1,
    )
    return str(room.pk)


def seat_learner(booking: "Booking", room_id: str) -> None:
    """Lets a paid seat's learner into the session's room. They paid for their seat, so they
    are admitted at once rather than waiting for the teacher one by one."""
    from rooms.services import admit_learner

    admit_learner(room_id, booking.learner)


def unseat_learner(booking: "Booking", room_id: str) -> None:
    from rooms.services import remove_member

    remove_member(room_id, booking.learner_id)


def update_group_classroom(session: "GroupSession") -> None:
    """Keeps the room's capacity, time and topic with the session's; a cancelled session's
    room is ended, so nobody can enter it any more."""
    from rooms.services import update_classroom

    if not session.room_id:
        return
    update_classroom(
        session.room_id,
        capacity=session.seats + 1,
        starts_at=session.start,
        topic=session.topic,
        ended=session.cancelled,
    )
