"""Permission-checked reads of bookings and reviews."""

from django.db.models import Q, QuerySet

from accounts.models import User

from ..models import Booking, Review, ReviewStatus, TeacherListing


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
