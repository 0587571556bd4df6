"""Reviews and the rating aggregates.

The aggregates (average, count, distribution) on the listing are recomputed in SQL from the
published reviews inside every transaction that changes one, with the listing row locked:
they can never drift from the reviews, even under concurrent writes.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from wagtail.log_actions import log

from accounts.models import User
from core import activity

from ..errors import AlreadyAnswered, AlreadyReviewed, NotAllowed, ReviewNotAllowed
from ..models import Booking, BookingStatus, Review, ReviewStatus, TeacherListing


def refresh_rating(listing_id: Any) -> TeacherListing:
    listing = TeacherListing.objects.select_for_update().get(pk=listing_id)
    counts = dict(
        Review.objects.filter(teacher_id=listing_id, status=ReviewStatus.PUBLISHED)
        .values_list("rating")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total = sum(counts.values())
    listing.rating_count = total
    listing.rating_distribution = {str(star): counts.get(star, 0) for star in range(1, 6)}
    listing.rating_average = (
        (Decimal(sum(star * n for star, n in counts.items())) / total).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )
        if total
        else Decimal("0")
    )
    listing.save(update_fields=["rating_count", "rating_distribution", "rating_average"])
    return listing


def write_review(booking: Booking, *, by: User, rating: int, text: str = "") -> Review:
    if by.pk != booking.learner_id or booking.status != BookingStatus.COMPLETED:
        raise ReviewNotAllowed()
    if not 1 <= rating <= 5:
        raise ReviewNotAllowed("A rating is 1 to 5 stars.")
    with transaction.atomic():
        TeacherListing.objects.select_for_update().get(pk=booking.teacher_id)
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    booking=booking, teacher_id=booking.teacher_id, rating=rating, text=text
                )
        except IntegrityError as error:
            raise AlreadyReviewed() from error
        refresh_rating(booking.teacher_id)
        activity.record(
            by,
            "tutoring.review_left",
            obj=review,
            data={"booking_id": str(booking.pk), "rating": rating},
        )
    return review


def reply(review: Review, *, by: User, text: str) -> Review:
    if by.pk != review.teacher_id:
        raise NotAllowed()
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.replied_at is not None:
            raise AlreadyAnswered()
        review.reply = text
        review.replied_at = timezone.now()
        review.save(update_fields=["reply", "replied_at"])
    return review


def moderate(review: Review, *, status: str, note: str = "", by: User | None = None) -> Review:
    """Publishes or hides a review; the aggregates follow in the same transaction. Logged
    (Wagtail's audit log) with the moderator and the note."""
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        review.status = status
        review.moderation_note = note
        review.save(update_fields=["status", "moderation_note"])
        refresh_rating(review.teacher_id)
        log(
            instance=review,
            action="tutoring.moderate_review",
            user=by,
            data={"status": status, "note": note},
        )
    return review
