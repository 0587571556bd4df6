"""The learner's progress report: totals from their own events and XP days against the
period before, what to do next, the page with its charts' tables, a fixed number of queries,
and the weekly email (once per week, off through the notification preferences)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from analytics.models import UserWeek
from analytics.progress import progress_report, send_weekly_reports
from analytics.services import monday, store_event
from core.activity import Activity
from gamification.models import StreakDay
from notifications.models import Notification
from notifications.services import set_preferences

pytestmark = pytest.mark.django_db


def event(user: Any, days_ago: int, kind: str, **data: Any) -> None:
    store_event(
        Activity(
            user_id=user.pk,
            kind=kind,
            occurred_at=timezone.now() - timedelta(days=days_ago),
            data=data,
        )
    )


def lessons_words_and_tutor(user: Any) -> None:
    for score in (1, 1, 0, 1):
        event(
            user,
            0,
            "learning.exercise_attempted",
            lesson_id=1,
            block_id="b",
            exercise_type="x",
            score=score,
        )
    for _ in range(2):
        event(
            user,
            0,
            "learning.lesson_completed",
            lesson_id=1,
            translation_key="k",
            parent_path="p",
            score=0.75,
            time_spent_seconds=600,
            first_time=True,
        )
    for rating in (3, 1, 4):
        event(
            user,
            1,
            "vocabulary.card_reviewed",
            card_id=1,
            rating=rating,
            was_due=True,
            duration_ms=6000,
        )
    event(user, 1, "vocabulary.word_added", word_id=1, source="manual")
    event(user, 1, "voice_tutor.session_ended", session_id=1, minutes=5, score=80)
    # The week before: one longer lesson.
    event(
        user,
        9,
        "learning.lesson_completed",
        lesson_id=2,
        translation_key="k",
        parent_path="p",
        score=1,
        time_spent_seconds=1800,
        first_time=True,
    )


def test_weekly_totals_against_the_week_before(student: Any) -> None:
    lessons_words_and_tutor(student)
    today = timezone.now().astimezone(UTC).date()
    StreakDay.objects.create(user=student, day=today, xp=30)
    StreakDay.objects.create(user=student, day=today - timedelta(days=8), xp=12)

    report = progress_report(student, "week")
    totals = report.totals
    assert (report.first, report.last) == (today - timedelta(days=6), today)
    assert totals.lessons == 2 and totals.accuracy == 75
    assert totals.minutes == pytest.approx(20 + 5 + 0.3)
    assert (totals.reviews, totals.retention, totals.words_added) == (3, 67, 1)
    assert (totals.xp, report.previous.xp) == (30, 12)
    assert report.previous.minutes == pytest.approx(30) and report.previous.lessons == 1
    assert report.minutes_by_day[-1] == 20.0 and report.minutes_by_day[-2] == pytest.approx(5.3)
    assert report.tutor_score_by_day[-2] == 80.0 and report.tutor_score_by_day[-1] is None
    # Less time than the week before, words forgotten, no streak: advice in that order.
    assert len(report.next_steps) == 3
    assert "less than the period before" in report.next_steps[0]
    assert "forgetting" in report.next_steps[1]

    month = progress_report(student, "month")
    assert len(month.days) == 30 and month.totals.lessons == 3


def test_the_report_costs_the_same_queries_however_much_activity(
    student: Any, other_student: Any
) -> None:
    lessons_words_and_tutor(student)
    lessons_words_and_tutor(student)
    with CaptureQueriesContext(connection) as busy:
        progress_report(student, "month")
    with CaptureQueriesContext(connection) as quiet:
        progress_report(other_student, "month")
    # player (+ the profile's time zone before the first XP), events, XP days
    assert len(busy.captured_queries) == len(quiet.captured_queries) == 4


def test_the_progress_page_shows_totals_next_steps_and_chart_tables(
    student: Any, client: Any
) -> None:
    lessons_words_and_tutor(student)
    client.force_login(student)
    page = client.get("/progress/?period=month")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Your progress" in html and 'id="progress-charts"' in html
    assert "Minutes studied" in html and "Voice tutor score" in html
    assert "<script>" not in html.replace('<script type="application/json"', "")
    assert client.get("/progress/?period=nonsense").status_code == 200
    client.logout()
    assert client.get("/progress/").status_code == 302


def test_the_weekly_email_goes_once_a_week_to_last_weeks_learners_unless_turned_off(
    student: Any, other_student: Any, teacher: Any
) -> None:
    a_monday = monday(timezone.now().date())
    last_week = a_monday - timedelta(days=7)
    for person in (student, other_student):
        UserWeek.objects.create(week=last_week, user=person, cohort_week=last_week, status="new")
    set_preferences(other_student, {"progress.weekly": {"email": False}})
    noon = datetime.combine(a_monday, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)

    assert send_weekly_reports(now=noon + timedelta(days=1)) == 0  # not a Monday
    assert send_weekly_reports(now=noon) == 1
    assert send_weekly_reports(now=noon) == 0  # once per week
    sent = Notification.objects.get(type="progress.weekly")
    assert sent.recipient == student and sent.url == "/progress/"
    assert "Minutes studied" in sent.body
    assert not Notification.objects.filter(recipient__in=[other_student, teacher]).exists()
