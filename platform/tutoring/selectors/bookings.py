"""Permission-checked reads of bookings and reviews."""

from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User

from ..models import Booking, BookingStatus, Review, ReviewStatus, TeacherListing

# The classroom opens a little before the start so that both can check their microphone
# and camera; it stays offered until the booked end (the room itself closes later).
CLASSROOM_OPENS_BEFORE = timedelta(minutes=10)
LIVE = (BookingStatus.CONFIRMED, BookingStatus.IN_PROGRESS)


def bookings_of(user: User, role: str | None = None) -> QuerySet[Booking]:
    """The bookings ``user`` takes part in: as learner, as teacher (``role``), or either."""
    if role == "teacher":
        scope = Q(teacher_id=user.pk)
    elif role == "learner":
        scope = Q(learner_id=user.pk)
    else:
        scope = Q(teacher_id=user.pk) | Q(learner_id=user.pk)
    return Booking.objects.filter(scope).select_related(
        "teacher__user", "learner", "gig", "group_session"
    )


def published_reviews(listing: TeacherListing) -> QuerySet[Review]:
    return (
        Review.objects.filter(teacher=listing, status=ReviewStatus.PUBLISHED)
        .select_related("booking__learner")
        .order_by("-created_at")
    )


def classroom_is_open(booking: Booking, now: datetime | None = None) -> bool:
    """Whether the lesson's meeting place (classroom or Zoom) is offered now."""
    now = now or timezone.now()
    return (
        booking.status in LIVE
        and bool(booking.room_id or booking.zoom_join_url)
        and booking.start - CLASSROOM_OPENS_BEFORE <= now <= booking.end
    )


def open_classrooms(user: User, now: datetime | None = None) -> QuerySet[Booking]:
    """The user's lessons whose classroom is open now (at most a handful: one query)."""
    now = now or timezone.now()
    return (
        bookings_of(user)
        .filter(status__in=LIVE, start__lte=now + CLASSROOM_OPENS_BEFORE, end__gte=now)
        .exclude(room_id="", zoom_join_url="")
        .order_by("start")
    )


def review_of(booking: Booking) -> Review | None:
    return Review.objects.filter(booking=booking).first()


def awaiting_review(learner: User) -> QuerySet[Booking]:
    """Completed lessons the learner has not reviewed yet, newest first."""
    return (
        bookings_of(learner, role="learner")
        .filter(status=BookingStatus.COMPLETED, review__isnull=True)
        .order_by("-start")
    )
