import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import FixedChoices
from core.timezones import time_zone_model_choices


def _time_zone_choices() -> FixedChoices:
    return time_zone_model_choices()  # the name migration 0001 refers to


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Waiting for verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class CefrLevel(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


# Gig is a modelcluster ClusterableModel (untyped): the stubs' plugin cannot build ``gigs``.
class TeacherListing(models.Model):  # type: ignore[django-manager-missing]
    """A teacher's place in the marketplace.

    Qualification, years of experience and certificates belong to the teacher's profile
    (``accounts.TeacherProfile``); this adds what the marketplace needs: verification, the
    languages taught, the booking rules and the rating aggregates.

    ``time_zone`` is the zone the weekly hours are written in. It starts as the profile's
    zone but is deliberately its own field: a teacher who travels and changes their profile
    zone must not silently move every posted hour.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="teacher_listing",
    )
    headline = models.CharField(_("headline"), max_length=140)
    about = models.TextField(_("about"), blank=True)
    intro_video_url = models.URLField(_("intro video"), blank=True)
    # An uploaded intro video (public media, content-checked and probed on upload:
    # ``services.teachers.set_intro_video``), beside the link option above.
    intro_video = models.FileField(
        _("intro video file"), upload_to="intro-videos/", blank=True, editable=False
    )
    country = models.CharField(_("country"), max_length=2, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", choices=_time_zone_choices
    )

    status = models.CharField(
        _("status"), max_length=16, choices=ListingStatus.choices, default=ListingStatus.DRAFT
    )
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Booking rules, in minutes unless named otherwise.
    buffer_before_minutes = models.PositiveSmallIntegerField(default=0)
    buffer_after_minutes = models.PositiveSmallIntegerField(default=10)
    minimum_notice_minutes = models.PositiveIntegerField(default=12 * 60)
    booking_horizon_days = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )

    # Secret part of the iCalendar feed URL; rotating it revokes every subscribed calendar.
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)

    # Rating aggregates: recomputed in SQL from the published reviews, in the transaction
    # that changes a review, with this row locked (tutoring.services.reviews).
    rating_average = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("0"), editable=False
    )
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    rating_distribution = models.JSONField(default=dict, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("teacher listing")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating_average__gte=0) & Q(rating_average__lte=5),
                name="tutoring_listing_rating_in_range",
            ),
        ]
        indexes = [models.Index(fields=["status", "-rating_average"])]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_listed(self) -> bool:
        return self.status == ListingStatus.VERIFIED


class TaughtLanguage(models.Model):
    listing = models.ForeignKey(TeacherListing, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=16)
    native = models.BooleanField(_("native speaker"), default=False)
    min_level = models.CharField(max_length=2, choices=CefrLevel.choices, default=CefrLevel.A1)
    max_level = models.CharField(max_length=2, choices=CefrLevel.choices, default=CefrLevel.C2)

    class Meta:
        ordering = ["-native", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["listing", "language"], name="tutoring_language_once_per_listing"
            ),
            models.CheckConstraint(
                condition=Q(min_level__lte=models.F("max_level")),
                name="tutoring_language_levels_ordered",
            ),
        ]
        indexes = [models.Index(fields=["language"])]

    def __str__(self) -> str:
        return f"{self.language} ({self.min_level}-{self.max_level})"


class Favourite(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favourite_teachers"
    )
    listing = models.ForeignKey(
        TeacherListing, on_delete=models.CASCADE, related_name="favourited_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["learner", "listing"], name="tutoring_favourite_once")
        ]

    def __str__(self) -> str:
        return f"{self.learner} ♥ {self.listing}"
