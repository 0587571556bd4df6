"""Reads of group sessions: the public listing and a teacher's own."""

from datetime import datetime

from django.db.models import F, QuerySet
from django.utils import timezone

from accounts.models import User

from ..models import ListingStatus
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
