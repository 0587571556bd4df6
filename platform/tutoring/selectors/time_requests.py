"""Permission-checked reads of time requests: a learner sees the requests they made, a
teacher the requests made to their gigs; nobody else sees either."""

from django.db.models import Q, QuerySet

from accounts.models import User

from ..models import TimeRequest


def time_requests_of(user: User, role: str | None = None) -> QuerySet[TimeRequest]:
    if role == "teacher":
        scope = Q(gig__listing_id=user.pk)
    elif role == "learner":
        scope = Q(learner_id=user.pk)
    else:
        scope = Q(gig__listing_id=user.pk) | Q(learner_id=user.pk)
    return TimeRequest.objects.filter(scope).select_related(
        "learner", "gig__listing__user", "booking"
    )
