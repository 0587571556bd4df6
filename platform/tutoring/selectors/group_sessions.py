"""Reads of group sessions: the public listing and a teacher's own."""

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User

from ..models import ACTIVE_BOOKING_STATUSES, Booking, BookingStatus, ListingStatus, TaughtLanguage
from ..models.bookings import GroupSession

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class OpenSeats(TypedDict):
    """The annotation ``_base`` adds to each session: seats not taken yet."""

    open_seats: int


def _base() -> "QuerySet[WithAnnotations[GroupSession, OpenSeats]]":
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


def suited_to_level(sessions: QuerySet[GroupSession], level: str) -> QuerySet[GroupSession]:
    """Sessions for a learner at CEFR ``level``: those the teacher set at that level, and
    those set at no level ("all levels") whose teacher teaches the session's language at
    ``level`` (A1 … C2: their code order is the levels' order).

    A session set at another level never matches: a B1 learner who asks for B1 expects
    neither an A1 nor a C1 class. A session without a level is open to everyone the teacher
    teaches, which is what a learner reading "All levels" expects, but not beyond: an A1
    learner is not shown an "all levels" session of a teacher who only teaches C1-C2."""
    taught_at_level = Exists(
        TaughtLanguage.objects.filter(
            listing_id=OuterRef("teacher_id"),
            language=OuterRef("gig__language"),
            min_level__lte=level,
            max_level__gte=level,
        )
    )
    return sessions.filter(Q(level=level) | (Q(level="") & taught_at_level))


def session_for(user: User | AnonymousUser, pk: Any) -> "WithAnnotations[GroupSession, OpenSeats]":
    """One session as ``user`` may see it: any state (a learner follows a link to a
    cancelled one) of a verified, active teacher, or any of their own. Else 404."""
    visible = Q(teacher__status=ListingStatus.VERIFIED, teacher__user__is_active=True)
    if user.is_authenticated:
        visible |= Q(teacher_id=user.pk)
    session = _base().filter(visible, pk=pk).first()
    if session is None:
        raise Http404("No such group session.")
    return session


def _holding(now: datetime) -> Q:
    """A seat that counts: paid or later, or held with its hold still running."""
    return Q(status__in=ACTIVE_BOOKING_STATUSES) & ~Q(
        status=BookingStatus.HELD, hold_expires_at__lte=now
    )


def seat_of(
    user: User | AnonymousUser, session: GroupSession, now: datetime | None = None
) -> Booking | None:
    """``user``'s seat in ``session``, if they hold one."""
    if not user.is_authenticated:
        return None
    return (
        Booking.objects.filter(_holding(now or timezone.now()), group_session=session)
        .filter(learner_id=user.pk)
        .first()
    )


def seated_session_ids(
    user: User | AnonymousUser, sessions: Iterable[GroupSession], now: datetime | None = None
) -> set[object]:
    """Which of ``sessions`` ``user`` holds a seat in: one query for a page of them."""
    if not user.is_authenticated:
        return set()
    return set(
        Booking.objects.filter(
            _holding(now or timezone.now()),
            learner_id=user.pk,
            group_session__in=[session.pk for session in sessions],
        ).values_list("group_session_id", flat=True)
    )


def seat_for_gift(user: User, session_id: Any) -> Booking | None:
    """The seat through which ``user`` sends a gift to group session ``session_id``: their
    paid seat if they have one, else any of theirs (the gift service then says why not)."""
    from ..services.gifts import GIFTABLE

    seats = Booking.objects.filter(group_session_id=session_id, learner_id=user.pk)
    seats = seats.select_related("teacher__user", "learner", "gig")
    return seats.filter(status__in=GIFTABLE).first() or seats.order_by("-created_at").first()
