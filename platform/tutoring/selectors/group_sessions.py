"""Reads of group sessions: the public listing and a teacher's own."""

from datetime import datetime

from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import User

from ..models import Booking, ListingStatus
from ..models.bookings import GroupSession


def _base() -> QuerySet[GroupSession]:
    return GroupSession.objects.select_related("teacher__user", "gig__category").annotate(
        open_seats=F("seats") - F("seats_taken")
    )


def upcoming_sessions(now: datetime | None = None) -> QuerySet[GroupSession]:
    """What learners browse: not cancelled, not started, by verified, active teachers."""
    return _base().filter(
        cancelled=False,
        start__gt=now or timezone.now(),
        teacher__status=ListingStatus.VERIFIED,
        teacher__user__is_active=True,
    )


def sessions_of_teacher(user: User) -> QuerySet[GroupSession]:
    """A teacher's own sessions, past and cancelled included."""
    return _base().filter(teacher_id=user.pk)


def seat_for_gift(user: User, session_id: object) -> Booking | None:
    """The seat through which ``user`` sends a gift to group session ``session_id``: their
    paid seat if they have one, else any of theirs (the gift service then says why not)."""
    from ..services.gifts import GIFTABLE

    seats = Booking.objects.filter(group_session_id=session_id, learner_id=user.pk)
    seats = seats.select_related("teacher__user", "learner", "gig")
    return seats.filter(status__in=GIFTABLE).first() or seats.order_by("-created_at").first()
