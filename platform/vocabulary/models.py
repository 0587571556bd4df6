"""A learner's word bank, one FSRS card per word, the review log and the learner's schedule.

The scheduling state on :class:`Card` is exactly py-fsrs's ``Card`` (due, state, step,
stability, difficulty, last_review); :mod:`vocabulary.scheduling` converts both ways and never
computes an interval itself.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

MAX_TAGS = 10
#: A word counts as mastered once its card's stability reaches this many days (Anki's "mature").
MASTERED_STABILITY_DAYS = 21.0


class Source(models.TextChoices):
    LESSON = "lesson", _("Lesson")
    PHRASEBOOK = "phrasebook", _("Phrasebook")
    TUTOR_REPORT = "tutor_report", _("Tutor report")
    TRANSLATION = "translation", _("Translation")
    CHAT = "chat", _("Chat")
    MANUAL = "manual", _("Added by hand")
    IMPORT = "import", _("Imported")


class Level(models.TextChoices):
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


class CardState(models.IntegerChoices):
    # The values of fsrs.State.
    LEARNING = 1, _("Learning")
    REVIEW = 2, _("Review")
    RELEARNING = 3, _("Relearning")


class TaggedWord(TaggedItemBase):
    content_object = models.ForeignKey(
        "vocabulary.Word", on_delete=models.CASCADE, related_name="tagged_items"
    )


# taggit ships no types: the stubs' plugin cannot build the ``tagged_items`` reverse manager.
class Word(models.Model):  # type: ignore[django-manager-missing]
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vocabulary_words"
    )
    language = models.CharField(_("language"), max_length=16)
    text = models.CharField(_("word or phrase"), max_length=200)
    # Normalised form (case, spacing, punctuation) that makes "Hola!" and "hola" one word.
    lemma = models.CharField(max_length=200, editable=False)
    translation = models.CharField(_("translation"), max_length=300, blank=True)
    part_of_speech = models.CharField(_("part of speech"), max_length=30, blank=True)
    example = models.CharField(_("example sentence"), max_length=500, blank=True)
    tags = TaggableManager(through=TaggedWord, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    # What it came from, e.g. "lesson:42", "phrasebook:7" (for the learner's "from …" link).
    source_ref = models.CharField(max_length=200, blank=True)
    level = models.CharField(_("CEFR level"), max_length=2, choices=Level.choices, blank=True)
    # wordfreq's Zipf band 1 (rare) … 7 (very common); 0 when the language is unknown to it.
    frequency_band = models.PositiveSmallIntegerField(default=0)
    image = models.ImageField(upload_to="vocabulary/images/", blank=True)
    audio = models.FileField(upload_to="vocabulary/audio/", blank=True, editable=False)
    mastered_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "language", "lemma"], name="vocabulary_word_unique_lemma"
            )
        ]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.text} ({self.language})"


class Card(models.Model):
    """The word's FSRS memory state. ``owner`` is the word's, copied so due queries need no
    join."""

    word = models.OneToOneField(Word, on_delete=models.CASCADE, related_name="card")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vocabulary_cards"
    )
    due = models.DateTimeField(default=timezone.now)
    state = models.PositiveSmallIntegerField(choices=CardState.choices, default=CardState.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True, default=0)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    last_review = models.DateTimeField(null=True, blank=True)
    reps = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["owner", "due"], name="vocabulary_card_owner_due")]

    def __str__(self) -> str:
        return f"card {self.pk} due {self.due:%Y-%m-%d %H:%M}"

    @property
    def is_new(self) -> bool:
        return self.last_review is None


class ReviewLog(models.Model):
    """One answer, append-only. ``reviewed_at`` is the client's clock (offline reviews)."""

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="logs")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vocabulary_reviews"
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    idempotency_key = models.CharField(max_length=100)
    was_due = models.BooleanField(default=True)
    was_new = models.BooleanField(default=False)
    # The card's due right after this review was applied: what a replay of the key answers.
    due_after = models.DateTimeField()
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["reviewed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "idempotency_key"], name="vocabulary_review_idempotency"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=4), name="vocabulary_review_rating"
            ),
        ]
        indexes = [
            models.Index(fields=["card", "reviewed_at"]),
            models.Index(fields=["owner", "reviewed_at"]),
        ]

    def __str__(self) -> str:
        return f"review {self.rating} of card {self.card_id}"


class DueShift(models.Model):
    """One card moved by a postpone or an advance: its due before and after, kept so the
    learner's history shows why a card came early or late. Review logs are never touched."""

    class Kind(models.TextChoices):
        POSTPONE = "postpone", _("Postponed")
        ADVANCE = "advance", _("Advanced")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vocabulary_due_shifts"
    )
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="due_shifts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    old_due = models.DateTimeField()
    new_due = models.DateTimeField()
    # fsrs's predicted recall at the old and the new due, for the learner's history.
    retrievability_before = models.FloatField(null=True, blank=True)
    retrievability_after = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} card {self.card_id}"


def default_easy_days() -> list[int]:
    return []


class LearnerSchedule(models.Model):
    """A learner's scheduling settings and their fitted FSRS parameters."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="vocabulary_schedule",
    )
    desired_retention = models.FloatField(
        _("desired retention"),
        default=0.9,
        validators=[MinValueValidator(0.70), MaxValueValidator(0.97)],
    )
    daily_new_limit = models.PositiveSmallIntegerField(
        _("new words a day"), default=20, validators=[MaxValueValidator(500)]
    )
    daily_review_limit = models.PositiveSmallIntegerField(
        _("reviews a day"), default=200, validators=[MaxValueValidator(5000)]
    )
    # Weekdays (0 = Monday) that should carry less: the load balancer avoids them.
    easy_days = models.JSONField(default=default_easy_days, blank=True)
    # "N words due" reminder at this local time (the profile's zone); None = no reminder.
    reminder_time = models.TimeField(_("reminder time"), null=True, blank=True)
    last_reminded_on = models.DateField(null=True, blank=True, editable=False)
    parameters = models.JSONField(null=True, blank=True, editable=False)
    parameters_fitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    parameters_review_count = models.PositiveIntegerField(default=0, editable=False)
    # Log loss on the held-out tail of the last fit, old and new (the learner sees why).
    last_fit_log_loss = models.FloatField(null=True, blank=True, editable=False)
    last_fit_attempted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(desired_retention__gte=0.70, desired_retention__lte=0.97),
                name="vocabulary_retention_range",
            )
        ]

    def __str__(self) -> str:
        return f"schedule of {self.user_id}"
