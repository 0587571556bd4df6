from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .bookings import Booking
from .teachers import TeacherListing


class ReviewStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden by a moderator")


class Review(models.Model):
    """A learner's rating of one completed booking; one per booking (the primary key)."""

    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, primary_key=True, related_name="review"
    )
    teacher = models.ForeignKey(TeacherListing, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED
    )
    moderation_note = models.CharField(max_length=255, blank=True)
    reply = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="tutoring_review_rating_1_5"
            ),
        ]
        indexes = [models.Index(fields=["teacher", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.teacher}"
