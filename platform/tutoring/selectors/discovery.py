"""Finding teachers: the directory's queryset, recommendations and trending.

Only verified listings are ever returned. Recommendation scores are computed in Python over
small, indexed query results (the learner's own history and a bounded interaction matrix):
fine up to tens of thousands of bookings, after which the item-item similarities belong in a
periodic job.
"""

import math
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    Min,
    Prefetch,
    QuerySet,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import User

from ..models import (
    ACTIVE_BOOKING_STATUSES,
    Booking,
    Favourite,
    Gig,
    ListingStatus,
    Review,
    ReviewStatus,
    TaughtLanguage,
    TeacherListing,
)

LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2"]
TRENDING_HALF_LIFE = timedelta(days=7)
TRENDING_WINDOW = timedelta(days=60)
HOURLY = DecimalField(max_digits=14, decimal_places=2)


def listed_teachers() -> QuerySet[TeacherListing]:
    """Verified listings with what a directory card shows, in a fixed number of queries."""
    return (
        TeacherListing.objects.filter(status=ListingStatus.VERIFIED, user__is_active=True)
        .select_related("user")
        .prefetch_related(
            Prefetch("languages", queryset=TaughtLanguage.objects.order_by("-native", "language")),
            Prefetch(
                "gigs",
                queryset=Gig.objects.filter(is_active=True)
                .select_related("category")
                .prefetch_related("durations"),
            ),
        )
        .annotate(
            hourly_from=Min(
                Case(
                    When(
                        gigs__is_active=True,
                        gigs__pricing_mode="per_minute",
                        then=ExpressionWrapper(
                            F("gigs__price_per_minute") * 60, output_field=HOURLY
                        ),
                    ),
                    When(
                        gigs__is_active=True,
                        then=ExpressionWrapper(
                            F("gigs__durations__price") * 60 / F("gigs__durations__minutes"),
                            output_field=HOURLY,
                        ),
                    ),
                    output_field=HOURLY,
                )
            )
        )
    )


def available_between(
    queryset: QuerySet[TeacherListing], start: datetime, end: datetime
) -> QuerySet[TeacherListing]:
    """Teachers with posted weekly hours overlapping [start, end) on their own clock. The
    slots endpoint answers the exact free times; this only narrows the directory."""
    if end - start >= timedelta(days=7):
        return queryset.filter(weekly_hours__isnull=False).distinct()
    if connection.vendor != "postgresql":
        return queryset.filter(weekly_hours__isnull=False).distinct()
    # Each day of the window in the teacher's zone; per day the part of it inside the window.
    sql = """
        SELECT wh.listing_id FROM tutoring_weeklyhours wh
        JOIN tutoring_teacherlisting tl ON tl.user_id = wh.listing_id
        CROSS JOIN LATERAL (
            SELECT (%s::timestamptz AT TIME ZONE tl.time_zone) AS ls,
                   (%s::timestamptz AT TIME ZONE tl.time_zone) AS le
        ) w
        CROSS JOIN LATERAL generate_series(date_trunc('day', w.ls), w.le, interval '1 day') d
        WHERE wh.weekday = EXTRACT(ISODOW FROM d)::int - 1
          AND wh.start_time < CASE WHEN d::date = w.le::date THEN w.le::time ELSE time '23:59:59.999999' END
          AND wh.end_time > CASE WHEN d::date = w.ls::date THEN w.ls::time ELSE time '00:00' END
    """
    return queryset.filter(pk__in=RawSQL(sql, [start, end]))  # noqa: S611 - parameters bound


def learner_languages(learner: User) -> list[tuple[str, str]]:
    profile = getattr(learner, "profile", None)
    if profile is None or not hasattr(profile, "learning"):
        return []
    return list(profile.learning.values_list("language", "level"))


def content_scores(learner: User, listing_ids: list[Any]) -> dict[Any, float]:
    """How well each teacher fits what the learner learns: the language (1), their level
    within the range taught (0.5), a native speaker (0.25)."""
    wanted = learner_languages(learner)
    if not wanted:
        return {}
    scores: dict[Any, float] = defaultdict(float)
    taught = TaughtLanguage.objects.filter(
        listing_id__in=listing_ids, language__in=[language for language, _ in wanted]
    ).values_list("listing_id", "language", "min_level", "max_level", "native")
    levels = dict(wanted)
    for listing_id, language, low, high, native in taught:
        score = 1.0
        level = levels.get(language)
        if level in LEVELS and LEVELS.index(low) <= LEVELS.index(level) <= LEVELS.index(high):
            score += 0.5
        if native:
            score += 0.25
        scores[listing_id] = max(scores[listing_id], score)
    return scores


def interactions() -> dict[Any, dict[Any, float]]:
    """learner → teacher → strength: a rating's stars when reviewed, else 3 for a lesson
    taken (an implicit, neutral-positive signal)."""
    matrix: dict[Any, dict[Any, float]] = defaultdict(dict)
    for learner_id, teacher_id in Booking.objects.filter(
        status__in=ACTIVE_BOOKING_STATUSES
    ).values_list("learner_id", "teacher_id"):
        matrix[learner_id].setdefault(teacher_id, 3.0)
    for learner_id, teacher_id, rating in Review.objects.filter(
        status=ReviewStatus.PUBLISHED
    ).values_list("booking__learner_id", "teacher_id", "rating"):
        matrix[learner_id][teacher_id] = float(rating)
    return matrix


def collaborative_scores(learner: User) -> dict[Any, float]:
    """Item-item cosine similarity on the learner-by-teacher matrix: teachers like the ones
    this learner booked and rated well, weighted by those ratings."""
    matrix = interactions()
    mine = matrix.get(learner.pk, {})
    if not mine:
        return {}
    columns: dict[Any, dict[Any, float]] = defaultdict(dict)
    for learner_id, row in matrix.items():
        for teacher_id, value in row.items():
            columns[teacher_id][learner_id] = value
    norms = {t: math.sqrt(sum(v * v for v in col.values())) for t, col in columns.items()}
    scores: dict[Any, float] = defaultdict(float)
    for candidate, column in columns.items():
        if candidate in mine:
            continue
        for known, strength in mine.items():
            other = columns[known]
            dot = sum(
                value * other[learner_id]
                for learner_id, value in column.items()
                if learner_id in other
            )
            if dot:
                scores[candidate] += strength / 5 * dot / (norms[candidate] * norms[known])
    return scores


def recommended(learner: User, limit: int = 20) -> list[TeacherListing]:
    candidates = list(listed_teachers().exclude(pk=learner.pk))
    ids = [listing.pk for listing in candidates]
    content = content_scores(learner, ids)
    collaborative = collaborative_scores(learner)
    scores: dict[Any, float] = {}
    for listing in candidates:
        quality = float(listing.rating_average) / 5 * min(listing.rating_count, 10) / 10
        scores[listing.pk] = (
            content.get(listing.pk, 0.0) * 2 + collaborative.get(listing.pk, 0.0) + quality * 0.5
        )
    candidates.sort(key=lambda listing: (-scores[listing.pk], str(listing.pk)))
    return candidates[:limit]


def trending(now: datetime | None = None, limit: int = 20) -> list[TeacherListing]:
    """Popularity with exponential time decay: each booking counts 2^(-age / half-life)."""
    now = now or timezone.now()
    popularity: dict[Any, float] = defaultdict(float)
    for teacher_id, created in Booking.objects.filter(
        status__in=ACTIVE_BOOKING_STATUSES, created_at__gte=now - TRENDING_WINDOW
    ).values_list("teacher_id", "created_at"):
        popularity[teacher_id] += 0.5 ** ((now - created) / TRENDING_HALF_LIFE)
    candidates = list(listed_teachers().filter(pk__in=list(popularity)))
    candidates.sort(key=lambda listing: -popularity[listing.pk])
    return candidates[:limit]


def favourite_ids(learner: User | AnonymousUser) -> set[Any]:
    if not isinstance(learner, User):
        return set()
    return set(Favourite.objects.filter(learner=learner).values_list("listing_id", flat=True))


def money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))
