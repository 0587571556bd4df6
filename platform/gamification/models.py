"""Gamification: an append-only XP ledger, levels, daily goal and streak days, freezes, badges,
weekly leagues and daily quests. Rules, levels, badges, tiers and quest templates are snippets
admins edit; everything a learner earns is written by ``services`` from activity events."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

MAX_FREEZES = 2


class AppendOnlyError(Exception):
    pass


# --- Configuration (Wagtail snippets) ----------------------------------------------------------


class Reason(models.TextChoices):
    EXERCISE = "exercise", _("Exercise answered")
    LESSON = "lesson", _("Lesson completed")
    REVIEW = "review", _("Card reviewed")
    WORD_MASTERED = "word_mastered", _("Word mastered")
    VOICE_TUTOR = "voice_tutor", _("Voice tutor minutes")
    TUTORING = "tutoring", _("Tutor lesson attended")
    GOAL = "goal", _("Daily goal met")
    QUEST = "quest", _("Quest completed")


class XPRule(models.Model):
    """How much one reason pays. ``points`` is the first time (an exercise's points are scaled
    by its score; the voice tutor's are per minute); ``repeat_points`` is what a repeat earns
    (the same exercise again, a lesson redone, a review of a card that was not due)."""

    reason = models.CharField(max_length=32, choices=Reason.choices, unique=True)
    points = models.PositiveIntegerField(default=10)
    repeat_points = models.PositiveIntegerField(
        default=0, help_text=_("XP for a repeat (0: repeats earn nothing).")
    )
    daily_cap = models.PositiveIntegerField(
        default=0, help_text=_("Most XP this reason pays per learner per day (0: no cap).")
    )
    active = models.BooleanField(default=True)

    panels = [
        FieldPanel("reason"),
        FieldPanel("points"),
        FieldPanel("repeat_points"),
        FieldPanel("daily_cap"),
        FieldPanel("active"),
    ]

    class Meta:
        ordering = ["reason"]
        verbose_name = _("XP rule")

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.points} XP"


class Level(models.Model):
    number = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=60)
    xp_required = models.PositiveIntegerField(unique=True)

    panels = [FieldPanel("number"), FieldPanel("title"), FieldPanel("xp_required")]

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title} ({self.xp_required} XP)"


class BadgeRule(models.TextChoices):
    STREAK_DAYS = "streak_days", _("Streak of N days")
    XP_TOTAL = "xp_total", _("N XP in total")
    LEVEL = "level", _("Reach level N")
    LESSONS_COMPLETED = "lessons_completed", _("N lessons completed")
    LESSONS_IN_CATEGORY = "lessons_in_category", _("N lessons in one category")
    WORDS_MASTERED = "words_mastered", _("N words mastered")
    REVIEWS = "reviews", _("N cards reviewed")
    TUTOR_SESSIONS = "tutor_sessions", _("N tutor lessons attended")
    VOICE_SESSIONS = "voice_sessions", _("N voice tutor sessions")
    QUESTS = "quests", _("N quests completed")


class Badge(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=255)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule = models.CharField(max_length=32, choices=BadgeRule.choices)
    threshold = models.PositiveIntegerField(default=1)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("image"),
        FieldPanel("rule"),
        FieldPanel("threshold"),
        FieldPanel("sort_order"),
        FieldPanel("active"),
    ]

    class Meta:
        ordering = ["sort_order", "threshold", "name"]

    def __str__(self) -> str:
        return self.name


class LeagueTier(models.Model):
    rank = models.PositiveIntegerField(unique=True, help_text=_("1 is the lowest tier."))
    name = models.CharField(max_length=40)
    promote_count = models.PositiveIntegerField(default=7)
    demote_count = models.PositiveIntegerField(default=5)

    panels = [
        FieldPanel("rank"),
        FieldPanel("name"),
        FieldPanel("promote_count"),
        FieldPanel("demote_count"),
    ]

    class Meta:
        ordering = ["rank"]

    def __str__(self) -> str:
        return self.name


class QuestMetric(models.TextChoices):
    XP = "xp", _("XP earned")
    REVIEWS = "reviews", _("Cards reviewed")
    LESSONS = "lessons", _("Lessons completed")
    EXERCISES = "exercises", _("Exercises answered")
    TUTOR_MINUTES = "tutor_minutes", _("Minutes with the voice tutor")


class QuestTemplate(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=80, help_text=_('Shown to learners, e.g. "Earn 30 XP".'))
    metric = models.CharField(max_length=20, choices=QuestMetric.choices)
    target = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    reward_xp = models.PositiveIntegerField(default=10)
    active = models.BooleanField(default=True)

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("metric"),
        FieldPanel("target"),
        FieldPanel("reward_xp"),
        FieldPanel("active"),
    ]

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title


# --- What learners earn --------------------------------------------------------------------


class Player(models.Model):
    """One learner's running totals and settings (a cache of the ledger plus the streak state
    machine; ``services`` is its only writer, under a row lock)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    xp = models.PositiveIntegerField(default=0)
    level = models.PositiveIntegerField(default=1)
    daily_goal = models.PositiveIntegerField(
        default=20, validators=[MinValueValidator(5), MaxValueValidator(500)]
    )
    # Weekdays (0 = Monday) kept as rest days; a change applies from ``rest_days_from`` on,
    # earlier days keep ``previous_rest_days``: rest is chosen in advance, never after a miss.
    rest_days = models.JSONField(default=list, blank=True)
    previous_rest_days = models.JSONField(default=list, blank=True)
    rest_days_from = models.DateField(null=True, blank=True)
    freezes = models.PositiveSmallIntegerField(default=0)
    streak = models.PositiveIntegerField(default=0)
    best_streak = models.PositiveIntegerField(default=0)
    # Last day that kept the streak alive (met, rest, frozen, repaired, travel).
    alive_through = models.DateField(null=True, blank=True)
    # Every day up to this one is closed (its status final).
    closed_through = models.DateField(null=True, blank=True)
    lost_streak = models.PositiveIntegerField(default=0)
    lost_on = models.DateField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", db_index=True)
    league_opt_out = models.BooleanField(default=False)
    league_tier = models.ForeignKey(
        LeagueTier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    # Not a column: the day's quests as ``services.ensure_quests`` loaded them while the row
    # is locked for one event, so that quest progress needs no second read.
    quests_of_day: tuple[Any, list[DailyQuest]] | None = None

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(freezes__lte=MAX_FREEZES), name="gamification_freezes_at_most_two"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.xp} XP"


class XPEntry(models.Model):
    """One award. Append-only (model guard and a database trigger); ``source_key`` names the
    thing paid for, so the same event or the same exercise never pays twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=32, choices=Reason.choices)
    points = models.PositiveIntegerField()
    source_key = models.CharField(max_length=200)
    day = models.DateField(help_text=_("The learner's local day it counts for."))
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("XP entry")
        verbose_name_plural = _("XP entries")
        constraints = [
            models.UniqueConstraint(fields=["user", "source_key"], name="gamification_xp_once"),
            models.CheckConstraint(condition=Q(points__gt=0), name="gamification_xp_positive"),
        ]
        indexes = [models.Index(fields=["user", "day", "reason"])]

    def __str__(self) -> str:
        return f"+{self.points} {self.reason} ({self.source_key})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("XP entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("XP entries are append-only.")


class DayStatus(models.TextChoices):
    OPEN = "open", _("In progress")
    MET = "met", _("Goal met")
    REST = "rest", _("Rest day")
    FROZEN = "frozen", _("Streak freeze used")
    REPAIRED = "repaired", _("Repaired")
    TRAVEL = "travel", _("Skipped by a time-zone change")
    MISSED = "missed", _("Missed")


KEEPS_STREAK = {
    DayStatus.MET,
    DayStatus.REST,
    DayStatus.FROZEN,
    DayStatus.REPAIRED,
    DayStatus.TRAVEL,
}


class StreakDay(models.Model):
    """One local day of one learner: XP earned and how the day ended."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    xp = models.PositiveIntegerField(default=0)
    goal = models.PositiveIntegerField(default=20)
    status = models.CharField(max_length=10, choices=DayStatus.choices, default=DayStatus.OPEN)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="gamification_one_row_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day} {self.status}"


class Counter(models.Model):
    """Running counts badges are judged on (``lessons_completed``, ``lessons_in:<path>`` …)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=300)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="gamification_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class ProcessedEvent(models.Model):
    """An activity event already turned into XP, counts and quests: a replay changes nothing."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=300, unique=True)
    kind = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    occurred_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "occurred_at"])]

    def __str__(self) -> str:
        return self.key


class BadgeAward(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="awards")
    awarded_at = models.DateTimeField(default=timezone.now)
    # The social moment the learner shared this badge in (an id, not a foreign key:
    # gamification never imports social). Sharing again while it exists changes nothing.
    shared_moment_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-awarded_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "badge"], name="gamification_badge_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.badge_id}"


class DailyQuest(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    template = models.ForeignKey(QuestTemplate, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=80)
    metric = models.CharField(max_length=20, choices=QuestMetric.choices)
    target = models.PositiveIntegerField()
    reward_xp = models.PositiveIntegerField()
    progress = models.PositiveIntegerField(default=0)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["day", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day", "template"], name="gamification_quest_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.title} {self.progress}/{self.target}"


class League(models.Model):
    """One group of up to ``GAMIFICATION_LEAGUE_SIZE`` learners for one week. ``band`` groups
    learners of similar activity (last week's XP) inside a tier."""

    week_start = models.DateField(help_text=_("Monday 00:00 UTC."))
    tier = models.ForeignKey(LeagueTier, on_delete=models.PROTECT, related_name="+")
    band = models.PositiveSmallIntegerField(default=0)
    size = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["week_start", "tier", "band", "size"])]

    def __str__(self) -> str:
        return f"{self.tier} {self.week_start} #{self.pk}"


class Outcome(models.TextChoices):
    PROMOTED = "promoted", _("Promoted")
    STAYED = "stayed", _("Stayed")
    DEMOTED = "demoted", _("Demoted")


class LeagueMember(models.Model):
    league = models.ForeignKey(League, on_delete=models.CASCADE, related_name="members")
    week_start = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    xp = models.PositiveIntegerField(default=0)
    xp_reached_at = models.DateTimeField(default=timezone.now)
    final_rank = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["week_start", "user"], name="gamification_one_league_a_week"
            )
        ]
        indexes = [
            models.Index(fields=["league", "-xp", "xp_reached_at"], name="gamification_rank_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.xp} XP"
