"""A learner's weekly or monthly progress report: what the progress page and the weekly email
show. Read from the learner's own activity events (one grouped query over this period and
the one before, on the ``(user, day)`` index) and gamification's day rows (XP per day, the
streak): four queries whatever the amount of activity.

Minutes studied add up what each activity says it took: a lesson's ``time_spent_seconds``, a
voice-tutor session's and an attended tutoring lesson's ``minutes``, a review's
``duration_ms``. Retention is the share of reviews not rated "Again" (rating 1).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, FloatField, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from accounts.models import Profile
from gamification.models import Player, StreakDay
from gamification.selectors import current_streak, today_of

from .models import ActivityEvent

PERIODS = {"week": 7, "month": 30}
REPORT_KINDS = (
    "learning.exercise_attempted",
    "learning.lesson_completed",
    "vocabulary.word_added",
    "vocabulary.word_mastered",
    "vocabulary.card_reviewed",
    "voice_tutor.session_ended",
    "tutoring.lesson_attended",
)


@dataclass
class Totals:
    minutes: float = 0.0
    lessons: int = 0
    attempts: int = 0
    score_sum: float = 0.0
    words_added: int = 0
    words_mastered: int = 0
    reviews: int = 0
    reviews_recalled: int = 0
    tutor_sessions: int = 0
    xp: int = 0

    @property
    def accuracy(self) -> int | None:
        return round(100 * self.score_sum / self.attempts) if self.attempts else None

    @property
    def retention(self) -> int | None:
        return round(100 * self.reviews_recalled / self.reviews) if self.reviews else None


@dataclass
class ProgressReport:
    period: str
    first: date
    last: date
    days: list[date]
    totals: Totals
    previous: Totals
    streak: int
    minutes_by_day: list[float] = field(default_factory=list)
    xp_by_day: list[int] = field(default_factory=list)
    tutor_score_by_day: list[float | None] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)

    def charts(self) -> list[dict[str, Any]]:
        """Chart.js-ready data, with the same numbers as rows for the table view."""
        labels = [day.isoformat() for day in self.days]
        return [
            {
                "key": "minutes",
                "title": _("Minutes studied"),
                "type": "bar",
                "labels": labels,
                "datasets": [{"label": _("Minutes"), "data": self.minutes_by_day}],
            },
            {
                "key": "xp",
                "title": _("XP earned"),
                "type": "bar",
                "labels": labels,
                "datasets": [{"label": _("XP"), "data": self.xp_by_day}],
            },
            {
                "key": "tutor",
                "title": _("Voice tutor score"),
                "type": "line",
                "labels": labels,
                "datasets": [{"label": _("Score"), "data": self.tutor_score_by_day}],
            },
        ]


def _minutes(kind: str, row: Mapping[str, Any]) -> float:
    if kind == "learning.lesson_completed":
        return (row["seconds"] or 0.0) / 60
    if kind in ("voice_tutor.session_ended", "tutoring.lesson_attended"):
        return float(row["minutes"] or 0.0)
    if kind == "vocabulary.card_reviewed":
        return float(row["value"] or Decimal(0)) / 60000
    return 0.0


def _add(totals: Totals, kind: str, row: Mapping[str, Any]) -> None:
    n = row["n"]
    totals.minutes += _minutes(kind, row)
    if kind == "learning.lesson_completed":
        totals.lessons += n
    elif kind == "learning.exercise_attempted":
        totals.attempts += n
        totals.score_sum += float(row["value"] or 0)
    elif kind == "vocabulary.word_added":
        totals.words_added += n
    elif kind == "vocabulary.word_mastered":
        totals.words_mastered += n
    elif kind == "vocabulary.card_reviewed":
        totals.reviews += n
        if row["detail"] != "1":
            totals.reviews_recalled += n
    elif kind == "voice_tutor.session_ended":
        totals.tutor_sessions += n


def _next_steps(report: ProgressReport) -> list[str]:
    """Plain advice from the numbers, most useful first, at most three."""
    steps: list[str] = []
    totals, previous = report.totals, report.previous
    if totals.minutes < previous.minutes:
        steps.append(_("You studied less than the period before: a short session each day helps."))
    if totals.accuracy is not None and totals.accuracy < 70:
        steps.append(_("Your exercise accuracy is under 70 %: repeat a lesson you found hard."))
    if totals.retention is not None and totals.retention < 80:
        steps.append(_("Review your word bank more often: you are forgetting some words."))
    if not totals.reviews:
        steps.append(_("Start a word review session to keep new words."))
    if not totals.tutor_sessions:
        steps.append(_("Practise speaking with the voice tutor."))
    if report.streak == 0:
        steps.append(_("Start a streak today: meet your daily goal."))
    if not steps:
        steps.append(_("Great work: keep it up, and try the next lesson in your course."))
    return steps[:3]


def progress_report(user: Any, period: str = "week", month: date | None = None) -> ProgressReport:
    """The report for the ``period`` ("week": 7 days, "month": 30 days) ending today (the
    learner's local day), compared with the same length of time before it. With ``month``
    (any day of it), the report of that calendar month instead (the monthly email's)."""
    return progress_reports([user.pk], period, month=month)[user.pk]


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of the calendar month holding ``month``."""
    first = month.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def progress_reports(
    user_ids: Sequence[Any], period: str = "week", *, month: date | None = None
) -> dict[Any, ProgressReport]:
    """:func:`progress_report` for several learners at once (a teacher's consenting students):
    the same four queries at most, whatever the number of learners or of their activity --
    players, the time zones of those without one yet, events, XP days."""
    length = PERIODS.get(period, 7)
    period = period if period in PERIODS else "week"
    if month is not None:
        period = "month"
        first_day, last_day = month_bounds(month)
        length = (last_day - first_day).days + 1
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return {}
    players = {player.pk: player for player in Player.objects.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in players]
    if missing:
        zones = dict(
            Profile.objects.filter(user_id__in=missing).values_list("user_id", "time_zone")
        )
        for pk in missing:
            players[pk] = Player(user_id=pk, time_zone=zones.get(pk) or "UTC")
    todays = {pk: last_day if month is not None else today_of(players[pk]) for pk in ids}
    earliest = min(todays.values()) - timedelta(days=2 * length - 1)
    latest = max(todays.values())
    rows: dict[Any, list[Mapping[str, Any]]] = defaultdict(list)
    for row in (
        ActivityEvent.objects.filter(
            user_id__in=ids, day__gte=earliest, day__lte=latest, kind__in=REPORT_KINDS
        )
        .values("user_id", "day", "kind", "detail")
        .annotate(
            n=Count("id"),
            value=Sum("value"),
            seconds=Sum(Cast(KT("data__time_spent_seconds"), FloatField())),
            minutes=Sum(Cast(KT("data__minutes"), FloatField())),
        )
        .order_by()
    ):
        rows[row["user_id"]].append(row)
    xp_days: dict[Any, dict[date, int]] = defaultdict(dict)
    for user_id, day, xp in StreakDay.objects.filter(
        user_id__in=ids, day__gte=earliest, day__lte=latest
    ).values_list("user_id", "day", "xp"):
        xp_days[user_id][day] = xp
    return {
        pk: _report(period, length, players[pk], todays[pk], rows[pk], xp_days[pk]) for pk in ids
    }


def _report(
    period: str,
    length: int,
    player: Player,
    today: date,
    rows: list[Mapping[str, Any]],
    xp_by_day: dict[date, int],
) -> ProgressReport:
    first = today - timedelta(days=length - 1)
    before = first - timedelta(days=length)
    days = [first + timedelta(days=n) for n in range(length)]
    totals, previous = Totals(), Totals()
    minutes: dict[date, float] = defaultdict(float)
    tutor: dict[date, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        kind = row["kind"]
        if row["day"] < before or row["day"] > today:
            continue  # another learner's zone widened the batch's range
        if row["day"] < first:
            _add(previous, kind, row)
            continue
        _add(totals, kind, row)
        minutes[row["day"]] += _minutes(kind, row)
        if kind == "voice_tutor.session_ended" and row["value"] is not None:
            tutor[row["day"]][0] += float(row["value"])
            tutor[row["day"]][1] += row["n"]
    xp = {day: value for day, value in xp_by_day.items() if before <= day <= today}
    totals.xp = sum(value for day, value in xp.items() if day >= first)
    previous.xp = sum(value for day, value in xp.items() if day < first)
    report = ProgressReport(
        period=period,
        first=first,
        last=today,
        days=days,
        totals=totals,
        previous=previous,
        streak=current_streak(player, today),
        minutes_by_day=[round(minutes[day], 1) for day in days],
        xp_by_day=[xp.get(day, 0) for day in days],
        tutor_score_by_day=[
            round(tutor[day][0] / tutor[day][1], 1) if tutor[day][1] else None for day in days
        ],
    )
    report.next_steps = _next_steps(report)
    return report


def weekly_summary(report: ProgressReport) -> str:
    """The weekly and monthly emails' text (the notification body; the page has the
    charts)."""
    totals = report.totals
    lines = [
        _("Minutes studied: %(n)d") % {"n": round(totals.minutes)},
        _("Lessons completed: %(n)d") % {"n": totals.lessons},
        _("New words: %(n)d") % {"n": totals.words_added},
        _("XP: %(n)d · streak: %(days)d days") % {"n": totals.xp, "days": report.streak},
    ]
    if totals.accuracy is not None:
        lines.append(_("Answers right: %(n)d %%") % {"n": totals.accuracy})
    if totals.retention is not None:
        lines.append(_("Words remembered: %(n)d %%") % {"n": totals.retention})
    lines.append("")
    lines.extend(report.next_steps)
    return "\n".join(lines)


def send_weekly_reports(now: Any = None) -> int:
    from django.core.cache import cache
    from django.utils import timezone

    from accounts.models import User
    from notifications.services import notify

    from .models import UserWeek
    from .services import monday

    today = (now or timezone.now()).date()
    if today.weekday() != 0:
        return 0
    last_week = monday(today) - timedelta(days=7)
    sent = 0
    learners = User.objects.filter(
        pk__in=UserWeek.objects.filter(week=last_week).values("user"),
        is_active=True,
        deleted_at__isnull=True,
    )
    for learner in learners.iterator():
        if not cache.add(f"progress:weekly:{learner.pk}:{last_week.isoformat()}", 1, 8 * 86400):
            continue
        report = progress_report(learner, "week")
        if notify(
            learner,
            "progress.weekly",
            _("Your week in Toto"),
            weekly_summary(report),
            {"week": last_week.isoformat()},
            url="/progress/",
        ):
            sent += 1
    return sent


def report_numbers(report: ProgressReport) -> dict[str, Any]:
    """The report's totals as plain data (the notification keeps them for its email)."""
    totals = report.totals
    return {
        "first": report.first.isoformat(),
        "last": report.last.isoformat(),
        "minutes": round(totals.minutes),
        "previous_minutes": round(report.previous.minutes),
        "lessons": totals.lessons,
        "accuracy": totals.accuracy,
        "words_added": totals.words_added,
        "words_mastered": totals.words_mastered,
        "reviews": totals.reviews,
        "retention": totals.retention,
        "tutor_sessions": totals.tutor_sessions,
        "xp": totals.xp,
        "streak": report.streak,
        "next_steps": list(report.next_steps),
    }


MONTHLY_KEEP_SECONDS = 40 * 86400


def send_monthly_reports(now: Any = None) -> int:
    """Beat job (hourly: migration 0007). When it is the 1st of the month in a learner's own
    time zone, a learner active in the month before gets that calendar month's report as a
    ``progress.monthly`` notification (email by default; off in the notification preferences
    like any kind). Once per learner and month (``cache.add``, 40 days), however often the job
    runs; hourly so that every zone's 1st is met while it lasts."""
    from django.core.cache import cache
    from django.utils import timezone
    from django.utils.formats import date_format

    from accounts.models import User
    from gamification.clock import local_day
    from notifications.services import notify

    from .models import UserWeek
    from .services import monday

    moment = now or timezone.now()
    # Every zone's date is within a day of UTC's: the month that just ended somewhere.
    utc_today = moment.date()
    candidates = {month_bounds(utc_today - timedelta(days=n))[0] for n in (-1, 0, 1, 2)}
    earliest = min(month_bounds(first - timedelta(days=1))[0] for first in candidates)
    learners = (
        User.objects.filter(
            pk__in=UserWeek.objects.filter(
                week__gte=monday(earliest), week__lte=max(candidates)
            ).values("user"),
            is_active=True,
            deleted_at__isnull=True,
        )
        .select_related("profile")
        .order_by("pk")
    )
    sent = 0
    for learner in learners.iterator(chunk_size=500):
        profile = getattr(learner, "profile", None)
        today = local_day(moment, getattr(profile, "time_zone", "") or "UTC")
        if today.day != 1:
            continue
        first, last = month_bounds(today - timedelta(days=1))
        if not UserWeek.objects.filter(
            user=learner, week__gte=monday(first), week__lte=last
        ).exists():
            continue
        key = f"progress:monthly:{learner.pk}:{first:%Y-%m}"
        if not cache.add(key, 1, MONTHLY_KEEP_SECONDS):
            continue
        report = progress_report(learner, "month", month=first)
        month_name = date_format(first, "YEAR_MONTH_FORMAT")
        if notify(
            learner,
            "progress.monthly",
            _("Your month in Toto: %(month)s") % {"month": month_name},
            weekly_summary(report),
            {"month": f"{first:%Y-%m}", "month_name": month_name, **report_numbers(report)},
            url=f"/progress/?period=month&month={first:%Y-%m}",
        ):
            sent += 1
    return sent
