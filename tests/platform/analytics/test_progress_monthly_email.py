"""The monthly progress email: on the 1st of the month in each learner's own zone, the calendar
month just ended (not the last 30 days), once per learner and month however often the hourly
job runs, only to learners active that month, off through the notification preferences; sent
as text with an HTML alternative. And the progress page's calendar-month view it links to."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core import mail

from accounts.models import Profile
from accounts.roles import Role
from analytics.models import UserWeek
from analytics.progress import progress_report, send_monthly_reports
from analytics.services import monday, store_event
from core.activity import Activity
from notifications.models import Notification
from notifications.services import set_preferences
from notifications.tasks import send_notification_email

pytestmark = pytest.mark.django_db

NOVEMBER = date(2026, 11, 1)


def lesson(user: Any, when: datetime, seconds: int = 600) -> None:
    store_event(
        Activity(
            user_id=user.pk,
            kind="learning.lesson_completed",
            occurred_at=when,
            data={
                "lesson_id": 1,
                "translation_key": "k",
                "parent_path": "p",
                "score": 0.9,
                "time_spent_seconds": seconds,
                "first_time": True,
            },
        )
    )


def active_in_november(user: Any, zone: str) -> None:
    Profile.objects.update_or_create(user=user, defaults={"time_zone": zone})
    week = monday(date(2026, 11, 16))
    UserWeek.objects.create(week=week, user=user, cohort_week=week, status="new")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_the_month_report_covers_the_calendar_month(student: Any) -> None:
    lesson(student, utc(2026, 10, 31, 12))  # the month before
    lesson(student, utc(2026, 11, 1, 9))
    lesson(student, utc(2026, 11, 30, 20), seconds=1200)
    lesson(student, utc(2026, 12, 1, 9))  # the next month
    report = progress_report(student, "month", month=date(2026, 11, 17))
    assert (report.first, report.last, len(report.days)) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
        30,
    )
    assert report.totals.lessons == 2 and round(report.totals.minutes) == 30
    assert report.previous.lessons == 1
    february = progress_report(student, month=date(2027, 2, 3))
    assert (february.period, len(february.days)) == ("month", 28)


def test_the_monthly_email_goes_on_the_first_in_each_learners_zone_once(
    student: Any, other_student: Any, role_user: Any, teacher: Any
) -> None:
    student.first_name = "Aiko"
    student.save(update_fields=["first_name"])
    active_in_november(student, "Asia/Tokyo")
    active_in_november(other_student, "America/New_York")
    opted_out = role_user(Role.STUDENT, email="opted.out@example.com")
    active_in_november(opted_out, "UTC")
    set_preferences(opted_out, {"progress.monthly": {"email": False}})
    Profile.objects.update_or_create(user=teacher, defaults={"time_zone": "Asia/Tokyo"})
    lesson(student, utc(2026, 11, 20, 3))

    # 30 November, 15:30 UTC: already 1 December in Tokyo, still November in New York.
    assert send_monthly_reports(now=utc(2026, 11, 30, 14, 30)) == 0  # 23:30 in Tokyo
    assert send_monthly_reports(now=utc(2026, 11, 30, 15, 30)) == 1
    sent = Notification.objects.get(type="progress.monthly")
    assert sent.recipient == student
    assert sent.url == "/progress/?period=month&month=2026-11"
    assert sent.data["first"] == "2026-11-01" and sent.data["last"] == "2026-11-30"
    assert sent.data["lessons"] == 1 and sent.data["minutes"] == 10
    assert "November 2026" in sent.title and "Minutes studied" in sent.body
    assert send_monthly_reports(now=utc(2026, 11, 30, 16, 30)) == 0  # once per month

    # 1 December, 05:30 UTC: midnight has passed in New York (and in UTC, where the learner
    # who turned the email off gets nothing).
    assert send_monthly_reports(now=utc(2026, 12, 1, 5, 30)) == 1
    assert send_monthly_reports(now=utc(2026, 12, 2, 5, 30)) == 0  # the 2nd everywhere
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        student.pk,
        other_student.pk,
    }

    assert send_notification_email(str(sent.pk))
    email = mail.outbox[-1]
    assert email.to == [student.email] and "November 2026" in email.subject
    assert "Lessons completed: 1" in email.body and "/progress/?period=month" in email.body
    html, mime = email.alternatives[0]
    assert mime == "text/html"
    assert "See your month with its charts" in html and "<table" in html
    assert "<script" not in html


def test_the_monthly_email_skips_learners_inactive_last_month(student: Any) -> None:
    Profile.objects.update_or_create(user=student, defaults={"time_zone": "UTC"})
    week = monday(date(2026, 12, 1))  # active only in the new month's first days
    UserWeek.objects.create(
        week=week + timedelta(days=7), user=student, cohort_week=week, status="new"
    )
    assert send_monthly_reports(now=utc(2026, 12, 1, 8)) == 0


def test_the_progress_page_shows_a_calendar_month(student: Any, client: Any) -> None:
    lesson(student, utc(2026, 11, 10, 9))
    client.force_login(student)
    page = client.get("/progress/?period=month&month=2026-11")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'datetime="2026-11-01"' in html and 'datetime="2026-11-30"' in html
    assert client.get("/progress/?period=month&month=nonsense").status_code == 200
