"""Learners' reviews of their stays and courses, the vendor's reply, moderation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from core import activity

from ..errors import InvalidBookingState, NotAllowed, NotBookable, NotReviewable
from ..models import AbroadBooking, AbroadReview, BookingStatus, ReviewStatus


def write_review(
    user: User,
    *,
    booking_id: Any,
    page_id: Any,
    rating: int,
    text: str = "",
    now: datetime | None = None,
) -> AbroadReview:
    """Only the learner of a completed booking reviews its course or homestay, once each.
    ``now`` dates the review (the demo's past stays were reviewed back then)."""
    booking = AbroadBooking.objects.filter(pk=booking_id, learner=user).first()
    if booking is None or booking.status != BookingStatus.COMPLETED:
        raise NotReviewable()
    if int(page_id) not in {booking.course_id, booking.homestay_id}:
        raise NotReviewable("Review the course or the homestay of this booking.")
    if not 1 <= rating <= 5:
        raise NotBookable("A rating is 1 to 5 stars.")
    try:
        with transaction.atomic():
            review = AbroadReview.objects.create(
                booking=booking,
                page_id=page_id,
                author=user,
                rating=rating,
                text=text.strip(),
                created_at=now or timezone.now(),
            )
            activity.record(
                user,
                "abroad.reviewed",
                obj=review,
                data={"booking_id": str(booking.pk), "rating": rating},
            )
    except IntegrityError as error:
        raise NotReviewable("You have already reviewed this.") from error
    return review


def reply_to_review(
    vendor: User, *, review_id: Any, text: str, now: datetime | None = None
) -> AbroadReview:
    """The listing's owner answers a review, once."""
    if not text.strip():
        raise NotBookable("Write a reply.")
    with transaction.atomic():
        review = (
            AbroadReview.objects.select_for_update(of=("self",))
            .select_related("page")
            .filter(pk=review_id)
            .first()
        )
        if review is None or review.page.owner_id != vendor.pk:
            raise NotAllowed("This is not a review of your listing.")
        if review.replied_at is not None:
            raise InvalidBookingState("You have already replied.")
        review.vendor_reply = text.strip()[:2000]
        review.replied_at = now or timezone.now()
        review.save(update_fields=["vendor_reply", "replied_at"])
    return review


def moderate_review(review_id: Any, *, by: User, status: str, note: str = "") -> AbroadReview:
    """A moderator hides (or shows again) a review; hidden ones leave the averages."""
    from wagtail.log_actions import log

    if not (by.is_superuser or by.has_perm("abroad.change_abroadreview")):
        raise NotAllowed()
    if status not in ReviewStatus.values:
        raise NotBookable("Unknown review status.")
    with transaction.atomic():
        review = AbroadReview.objects.select_for_update().get(pk=review_id)
        review.status = status
        review.moderation_note = note[:255]
        review.save(update_fields=["status", "moderation_note"])
        log(instance=review, action="abroad.moderate_review", user=by, data={"status": status})
    return review
