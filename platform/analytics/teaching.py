"""A teacher's own progress: lessons taught per week and per month, the
ratings trend (published reviews' average per month) and where their earnings are. Read from
tutoring's bookings and reviews in the teacher's time zone: five queries whatever the number
of lessons or reviews (the time zone, two grouped lesson counts, the monthly ratings, the
all-time rating).

A lesson taught is a completed booking; the seats of one group session count as one lesson
(the learners column counts the people)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import tzinfo as TzInfo
from typing import Any

from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth, TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Profile
from tutoring.models import Booking, BookingStatus, Review, ReviewStatus

WEEKS = 12
MONTHS = 12


@dataclass(frozen=True)
class LessonBucket:
    start: date
    lessons: int
    learners: int


@dataclass(frozen=True)
class RatingMonth:
    start: date
    average: float | None
    reviews: int


@dataclass(frozen=True)
class TeachingReport:
    weeks: list[LessonBucket]
    months: list[LessonBucket]
    ratings: list[RatingMonth]
    rating_average: float | None
    rating_count: int
    links: dict[str, str]

    def charts(self) -> list[dict[str, Any]]:
        """Chart.js-ready data for static/js/progress/charts.js; the page's tables hold the
        same numbers."""
        return [
            {
                "key": "lessons-weekly",
                "title": _("Lessons taught per week"),
                "type": "bar",
                "labels": [bucket.start.isoformat() for bucket in self.weeks],
                "datasets": [
                    {"label": _("Lessons"), "data": [bucket.lessons for bucket in self.weeks]}
                ],
            },
            {
                "key": "ratings-monthly",
                "title": _("Average rating per month"),
                "type": "line",
                "labels": [month.start.isoformat() for month in self.ratings],
                "datasets": [
                    {"label": _("Rating"), "data": [month.average for month in self.ratings]}
                ],
            },
        ]


def _zone(user: Any) -> TzInfo:
    name = Profile.objects.filter(user_id=user.pk).values_list("time_zone", flat=True).first()
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _week_starts(today: date) -> list[date]:
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]


def _month_starts(today: date) -> list[date]:
    year, month = today.year, today.month
    starts: list[date] = []
    for _n in range(MONTHS):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _day(value: datetime | date, zone: TzInfo) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value, zone).date() if timezone.is_aware(value) else value.date()
    return value


def _lessons(teacher: Any, zone: TzInfo, starts: list[date], trunc: Any) -> list[LessonBucket]:
    since = datetime.combine(starts[0], datetime.min.time(), tzinfo=zone)
    rows = (
        Booking.objects.filter(
            teacher__user_id=teacher.pk, status=BookingStatus.COMPLETED, start__gte=since
        )
        .annotate(bucket=trunc("start", tzinfo=zone))
        .values("bucket")
        .annotate(
            single=Count("id", filter=Q(group_session__isnull=True)),
            groups=Count("group_session", distinct=True),
            learners=Count("learner", distinct=True),
        )
    )
    found = {_day(row["bucket"], zone): row for row in rows}
    return [
        LessonBucket(
            start=start,
            lessons=(found[start]["single"] + found[start]["groups"]) if start in found else 0,
            learners=found[start]["learners"] if start in found else 0,
        )
        for start in starts
    ]


def teaching_report(teacher: Any) -> TeachingReport:
    zone = _zone(teacher)
    today = timezone.localtime(timezone.now(), zone).date()
    weeks = _lessons(teacher, zone, _week_starts(today), TruncWeek)
    month_starts = _month_starts(today)
    months = _lessons(teacher, zone, month_starts, TruncMonth)
    reviews = Review.objects.filter(teacher__user_id=teacher.pk, status=ReviewStatus.PUBLISHED)
    since = datetime.combine(month_starts[0], datetime.min.time(), tzinfo=zone)
    monthly = {
        _day(row["month"], zone): row
        for row in reviews.filter(created_at__gte=since)
        .annotate(month=TruncMonth("created_at", tzinfo=zone))
        .values("month")
        .annotate(average=Avg("rating"), n=Count("pk"))
    }
    overall = reviews.aggregate(average=Avg("rating"), n=Count("pk"))
    return TeachingReport(
        weeks=weeks,
        months=months,
        ratings=[
            RatingMonth(
                start=start,
                average=round(float(monthly[start]["average"]), 2) if start in monthly else None,
                reviews=monthly[start]["n"] if start in monthly else 0,
            )
            for start in month_starts
        ],
        rating_average=round(float(overall["average"]), 2) if overall["average"] else None,
        rating_count=int(overall["n"]),
        links={
            "earnings": reverse("tutoring-teach-earnings"),
            "payouts": reverse("payouts-method"),
        },
    )
