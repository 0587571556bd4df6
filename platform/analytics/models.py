"""What people did (one append-only event table) and the daily rollups the dashboards read.

The event table is written only by :mod:`analytics.receivers`, after the emitting service's
transaction committed (``core.activity``); nothing updates an event except the anonymisation
of a deleted account (``analytics.personal_data``). Dashboards never scan events: they read
the rollups, which ``analytics.services.roll_up_day`` rebuilds one UTC day at a time.

No IP address or user agent is stored here: security logs keep what security needs.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


class ActivityEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=64)
    app = models.CharField(max_length=32)
    occurred_at = models.DateTimeField()
    # The UTC day of occurred_at, so that a day's rollup is one index range.
    day = models.DateField()
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=16, blank=True)
    level = models.CharField(max_length=16, blank=True)
    platform = models.CharField(max_length=8, blank=True)
    # Where the person said they live (their profile's ISO country code, read when the event
    # is stored; never derived from an IP address) and the course of the lesson the event is
    # about (the lesson's parent page in the learning tree, a SubcategoryPage id; no foreign
    # key: a deleted page leaves the number behind).
    country = models.CharField(max_length=2, blank=True)
    course = models.PositiveIntegerField(null=True, blank=True)
    # One dimension per kind, picked from the data (exercise type, AI feature, payment
    # purpose, role, rating …: analytics.dimensions.DETAIL_KEYS) and a number to sum (score,
    # minutes, amount).
    detail = models.CharField(max_length=64, blank=True)
    value = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["day", "kind"], name="analytics_event_day_kind"),
            models.Index(fields=["user", "day"], name="analytics_event_user_day"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"


class DailyMetric(models.Model):
    """Events of one kind on one UTC day, per dimension combination."""

    day = models.DateField()
    kind = models.CharField(max_length=64)
    app = models.CharField(max_length=32)
    language = models.CharField(max_length=16, blank=True)
    level = models.CharField(max_length=16, blank=True)
    platform = models.CharField(max_length=8, blank=True)
    country = models.CharField(max_length=2, blank=True)
    course = models.PositiveIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=64, blank=True)
    events = models.PositiveIntegerField()
    users = models.PositiveIntegerField(help_text=_("Distinct people on that day."))
    value_sum = models.DecimalField(max_digits=20, decimal_places=4, default=Decimal("0"))
    valued = models.PositiveIntegerField(default=0, help_text=_("Events that had a value."))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "day",
                    "kind",
                    "language",
                    "level",
                    "platform",
                    "country",
                    "course",
                    "detail",
                ],
                name="analytics_daily_metric_once",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["kind", "day"], name="analytics_metric_kind_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.events}"


class DailyKindTotal(models.Model):
    """``DailyMetric`` summed over its dimensions: one row per day and kind, written with the
    day's DailyMetric rows (``roll_up_day``), for totals that need no dimension (the goals
    panel's exercise accuracy and average rating read 90 rows a kind instead of every
    dimension combination of 90 days). No ``users``: distinct people do not add up."""

    day = models.DateField()
    kind = models.CharField(max_length=64)
    events = models.PositiveIntegerField()
    value_sum = models.DecimalField(max_digits=20, decimal_places=4, default=Decimal("0"))
    valued = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "day"], name="analytics_daily_kind_once")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.events}"


class DailyObjectMetric(models.Model):
    """Events of one kind about one object (a lesson, an exercise in a lesson, a teacher) on
    one UTC day: completions and drop-off per lesson, most-failed questions."""

    day = models.DateField()
    kind = models.CharField(max_length=64)
    object_key = models.CharField(max_length=140)
    events = models.PositiveIntegerField()
    users = models.PositiveIntegerField()
    failures = models.PositiveIntegerField(default=0)
    value_sum = models.DecimalField(max_digits=20, decimal_places=4, default=Decimal("0"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "kind", "object_key"], name="analytics_daily_object_once"
            )
        ]
        indexes = [models.Index(fields=["kind", "day"], name="analytics_object_kind_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.object_key}"


class UserDay(models.Model):
    """A person who was *active* on a UTC day (``analytics.selectors.ACTIVE_DEFINITION``),
    with the platform they used most. DAU/WAU/MAU, lifecycle and retention count these."""

    day = models.DateField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Mondays: the day's week, and the person's sign-up week (cohorts without a join).
    week = models.DateField()
    cohort_week = models.DateField()
    platform = models.CharField(max_length=8, blank=True)
    events = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "user"], name="analytics_user_day_once")
        ]
        indexes = [
            models.Index(fields=["user", "day"], name="analytics_userday_user_day"),
            models.Index(fields=["cohort_week", "day"], name="analytics_userday_cohort"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.user_id}"


class UserWeek(models.Model):
    """A person active in a week (Monday), with their lifecycle status that week: ``new``
    (signed up that week), ``returning`` (also active the week before) or ``resurrected``
    (not active the week before). "Dormant" in a week is counted from the week before."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        RETURNING = "returning", _("Returning")
        RESURRECTED = "resurrected", _("Resurrected")

    week = models.DateField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    cohort_week = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["week", "user"], name="analytics_user_week_once")
        ]
        indexes = [
            models.Index(fields=["cohort_week", "week"], name="analytics_userweek_cohort"),
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.user_id} {self.status}"


class FirstActive(models.Model):
    """Each person's first active day (their earliest ``UserDay``), kept by the rollup so
    that activation counts one row per person instead of joining every active day to its
    person. ``roll_up_day`` upserts the day's people keeping the earlier day (a day rolled up
    out of order moves it back, a day rolled up again leaves it) and recomputes the people
    whose first day it was when they are no longer active on it. ``cohort_week`` and
    ``joined_day`` are the person's sign-up week (Monday) and UTC day of sign-up. An
    anonymised account keeps its row, as it keeps its ``UserDay`` rows; a deleted user row
    takes it away (cascade)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    day = models.DateField()
    cohort_week = models.DateField()
    joined_day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["cohort_week", "day"], name="analytics_first_cohort")]

    def __str__(self) -> str:
        return f"{self.user_id} first active {self.day}"


class CohortWeek(models.Model):
    """``UserWeek`` counted: the people of one sign-up week active in one week, per lifecycle
    status. Rewritten with the weeks the rollup refreshes (``_refresh_weeks``) and for a
    cohort when one of its people's user row is deleted, so that the retention table, the
    goals panel and the lifecycle chart read a few hundred rows instead of every active
    person of twelve weeks."""

    cohort_week = models.DateField()
    week = models.DateField()
    status = models.CharField(max_length=12, choices=UserWeek.Status.choices)
    users = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["week", "cohort_week", "status"], name="analytics_cohort_week_once"
            )
        ]
        indexes = [models.Index(fields=["cohort_week", "week"], name="analytics_cohortweek_cw")]

    def __str__(self) -> str:
        return f"{self.cohort_week} in {self.week} {self.status}: {self.users}"


class DailyActive(models.Model):
    """Active people (``UserDay``) on a day, in the 7 days and in the 30 days ending that day."""

    day = models.DateField(unique=True)
    dau = models.PositiveIntegerField()
    wau = models.PositiveIntegerField()
    mau = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.day} DAU {self.dau}"


class DailyActiveBy(models.Model):
    """Distinct people active on a UTC day for each value of one dimension of their active
    events (``platform``, ``language``, ``country``), and ``ai``: the people who used an AI
    feature that day (value ""). A person counts once per value, however many actions of
    however many kinds: DailyMetric's ``users`` are distinct per kind and per dimension
    combination, so summing them counted a person once for each."""

    day = models.DateField()
    dimension = models.CharField(max_length=16)
    value = models.CharField(max_length=16, blank=True)
    users = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "dimension", "value"], name="analytics_active_by_once"
            )
        ]
        indexes = [models.Index(fields=["dimension", "day"], name="analytics_active_by_dim_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value} {self.users}"


class DailyLedger(models.Model):
    """Ledger entries of one UTC day per currency, account kind and transfer kind (money
    accounts only; user accounts are summed per kind, never per person). The finance
    dashboard reads this; summed over all days it equals the ledger's balances."""

    day = models.DateField()
    currency = models.CharField(max_length=3)
    account_kind = models.CharField(max_length=32)
    transfer_kind = models.CharField(max_length=40)
    amount = models.DecimalField(max_digits=20, decimal_places=2)
    entries = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "currency", "account_kind", "transfer_kind"],
                name="analytics_daily_ledger_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.account_kind} {self.transfer_kind} {self.amount}"


class RollupRun(models.Model):
    """When a day was last rolled up and how long it took (the dashboards show freshness;
    the benchmark reads the time per day)."""

    day = models.DateField(unique=True)
    events = models.PositiveIntegerField()
    seconds = models.FloatField()
    finished_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.day} ({self.events} events)"


@register_setting(icon="view")
class AnalyticsSettings(BaseGenericSetting):
    """What is tracked, and the business's targets shown on the goals panel."""

    track_learning = models.BooleanField(
        _("track learning"), default=True, help_text=_("Lessons, vocabulary, voice tutor.")
    )
    track_social = models.BooleanField(
        _("track social"), default=True, help_text=_("Moments, comments, follows, badges.")
    )
    track_marketplace = models.BooleanField(
        _("track marketplace"), default=True, help_text=_("Tutoring and study abroad.")
    )
    track_ai = models.BooleanField(
        _("track AI features"), default=True, help_text=_("Translation and AI feature use.")
    )
    track_payments = models.BooleanField(_("track payments"), default=True)
    track_accounts = models.BooleanField(
        _("track accounts"), default=True, help_text=_("Sign-ups and sign-ins.")
    )

    goal_dau = models.PositiveIntegerField(_("daily active users"), default=10_000)
    goal_dau_by = models.DateField(_("DAU target date"), null=True, blank=True)
    goal_mau = models.PositiveIntegerField(_("monthly active users"), default=50_000)
    goal_mau_by = models.DateField(_("MAU target date"), null=True, blank=True)
    goal_retention_7d = models.PositiveSmallIntegerField(_("7-day retention %"), default=70)
    goal_retention_30d = models.PositiveSmallIntegerField(_("30-day retention %"), default=40)
    goal_lesson_completion = models.PositiveSmallIntegerField(_("lesson completion %"), default=80)
    goal_exercise_accuracy = models.PositiveSmallIntegerField(_("exercise accuracy %"), default=75)
    # xgettext:no-python-format
    goal_ai_usage = models.PositiveSmallIntegerField(_("AI usage, % of active users"), default=60)
    goal_average_rating = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, default=Decimal("4.50")
    )
    goal_support_tickets = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("support tickets, at most % of users"),
        default=5,
    )

    class Meta:
        verbose_name = _("analytics")
        permissions = [
            ("view_dashboards", _("Can view the analytics dashboards")),
        ]

    def tracks(self, app: str) -> bool:
        from .dimensions import category_of

        category = category_of(app)
        return category is None or bool(getattr(self, f"track_{category}"))


class ReportSchedule(models.TextChoices):
    NONE = "", _("Not emailed")
    WEEKLY = "weekly", _("Weekly (Mondays)")
    MONTHLY = "monthly", _("Monthly (the 1st)")


class SavedReport(models.Model):
    """A custom report (analytics.reports): a metric from the rollups, grouped by one
    dimension, filtered, over the last ``days`` days or, when ``date_from`` and ``date_to``
    are set, over exactly those days (both ends included; a fixed range that every preview,
    export and scheduled email repeats). Seen by its owner, by people with the
    dashboards permission, and by members of ``shared_with``; changed by its owner and admins.
    Written only by analytics.services (save_report, send_due_reports)."""

    name = models.CharField(_("name"), max_length=120)
    metric = models.CharField(_("metric"), max_length=40)
    group_by = models.CharField(_("group by"), max_length=20, default="day")
    language = models.CharField(_("language"), max_length=16, blank=True)
    level = models.CharField(_("level"), max_length=16, blank=True)
    platform = models.CharField(_("platform"), max_length=8, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    days = models.PositiveSmallIntegerField(_("last N days"), default=30)
    date_from = models.DateField(_("from"), null=True, blank=True)
    date_to = models.DateField(_("to"), null=True, blank=True)
    schedule = models.CharField(
        _("email"), max_length=10, choices=ReportSchedule.choices, blank=True, default=""
    )
    recipients = models.TextField(
        _("email to"), blank=True, help_text=_("Addresses separated by commas or lines.")
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    shared_with = models.ManyToManyField(
        "auth.Group", blank=True, related_name="+", verbose_name=_("shared with roles")
    )
    last_sent_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days__gte=1, days__lte=366), name="analytics_report_days"
            ),
            # Both ends or neither, in order; the length bound (366 days) is the form's, as
            # the database cannot subtract dates in a check portable to SQLite and PostgreSQL.
            models.CheckConstraint(
                condition=models.Q(date_from__isnull=True, date_to__isnull=True)
                | models.Q(date_from__isnull=False, date_to__gte=models.F("date_from")),
                name="analytics_report_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def recipient_list(self) -> list[str]:
        import re

        return [part for part in re.split(r"[\s,;]+", self.recipients) if part]


class ProgressShare(models.Model):
    """A learner's consent that one teacher they booked may see their progress report.

    The row is the consent: it exists while the learner shares and is deleted when they stop
    (``services.stop_sharing_progress``), so a revoked consent leaves nothing for the teacher
    to read. Only a teacher the learner has booked can be given one (``services``)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_shares"
    )
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_shared_with_me"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "teacher"], name="analytics_share_once"),
            models.CheckConstraint(
                condition=~models.Q(learner=models.F("teacher")), name="analytics_share_not_self"
            ),
        ]
        indexes = [models.Index(fields=["teacher", "created_at"], name="analytics_share_teacher")]

    def __str__(self) -> str:
        return f"{self.learner_id} → {self.teacher_id}"
