"""The teacher's side of #17: lessons taught per week and month, the ratings trend from
published reviews and links to the earnings dashboards, through the API (a pinned number of
queries, whatever the number of lessons and reviews) and the website page; learners get
neither."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tutoring.models import Booking, BookingStatus, Review, ReviewStatus

pytestmark = pytest.mark.django_db

URL = "/api/v1/progress/teaching/"


@pytest.fixture
def lesson(make_listing: Any, make_gig: Any) -> Any:
    """``lesson(teacher, learner, start, status)``: a booking row, as tutoring keeps it."""
    gigs: dict[Any, Any] = {}

    def make(
        teacher: Any, learner: Any, start: datetime, status: str = BookingStatus.COMPLETED
    ) -> Booking:
        if teacher.pk not in gigs:
            gigs[teacher.pk] = make_gig(make_listing(teacher))
        gig = gigs[teacher.pk]
        return Booking.objects.create(
            teacher=gig.listing,
            learner=learner,
            gig=gig,
            status=status,
            start=start,
            end=start + timedelta(minutes=30),
            blocked_start=start,
            blocked_end=start + timedelta(minutes=30),
            currency="EUR",
            price=Decimal("30.00"),
        )

    return make


def review(booking: Booking, rating: int, at: datetime, status: str = "published") -> None:
    Review.objects.create(booking=booking, teacher=booking.teacher, rating=rating, status=status)
    Review.objects.filter(pk=booking.pk).update(created_at=at)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def test_lessons_per_week_and_month_ratings_trend_and_earnings_links(
    api_client: Any,
    client: Any,
    lesson: Any,
    teacher: Any,
    student: Any,
    other_student: Any,
    role_user: Any,
) -> None:
    from accounts.roles import Role

    # This week's Monday, 00:00 UTC (the teacher's zone): every "recent" lesson is in it.
    today = timezone.now().date()
    anchor = datetime.combine(monday(today), time(0), tzinfo=UTC)
    older = anchor - timedelta(days=45)
    first = lesson(teacher, student, anchor + timedelta(hours=1))
    second = lesson(teacher, other_student, anchor + timedelta(hours=2))
    third = lesson(teacher, student, older)
    lesson(teacher, student, anchor + timedelta(hours=3), BookingStatus.CANCELLED)
    lesson(teacher, student, anchor + timedelta(hours=4), BookingStatus.CONFIRMED)
    lesson(role_user(Role.TEACHER, email="ines@example.com"), student, anchor)
    hidden = lesson(teacher, student, anchor + timedelta(hours=5))
    review(first, 5, anchor)
    review(second, 3, anchor)
    review(third, 2, older)
    review(hidden, 1, anchor, status=ReviewStatus.HIDDEN)

    api_client.force_login(teacher)
    with CaptureQueriesContext(connection) as few:
        answer = api_client.get(URL)
    assert answer.status_code == 200, answer.json()
    body = answer.json()
    assert len(body["weeks"]) == 12 and len(body["months"]) == 12 and len(body["ratings"]) == 12
    assert body["weeks"][-1] == {"start": monday(today).isoformat(), "lessons": 3, "learners": 2}
    weeks = {row["start"]: row["lessons"] for row in body["weeks"]}
    assert weeks[monday(older.date()).isoformat()] == 1
    assert sum(weeks.values()) == 4  # not the cancelled, the future or another's lesson
    months = {row["start"]: row["lessons"] for row in body["months"]}
    this_month, older_month = (d.date().replace(day=1).isoformat() for d in (anchor, older))
    assert months[this_month] == 3 and months[older_month] == 1 and sum(months.values()) == 4
    ratings = {row["start"]: row for row in body["ratings"]}
    assert ratings[this_month] == {"start": this_month, "average": 4.0, "reviews": 2}
    assert ratings[older_month] == {"start": older_month, "average": 2.0, "reviews": 1}
    assert sum(row["reviews"] for row in body["ratings"]) == 3  # not the hidden one
    assert body["rating_average"] == pytest.approx(3.33) and body["rating_count"] == 3
    assert body["links"] == {"earnings": "/tutoring/teach/earnings/", "payouts": "/payouts/method/"}

    # The same queries with ten times the lessons and reviews.
    for hours in range(10, 40):
        review(lesson(teacher, other_student, anchor + timedelta(hours=hours)), 4, anchor)
    with CaptureQueriesContext(connection) as many:
        assert api_client.get(URL).json()["weeks"][-1]["lessons"] == 33
    assert len(many) == len(few) == TEACHING_QUERIES

    api_client.force_login(student)
    refused = api_client.get(URL)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"

    client.force_login(teacher)
    page = client.get("/progress/teaching/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'href="/tutoring/teach/earnings/"' in html and 'href="/payouts/method/"' in html
    assert 'data-testid="teaching-weeks"' in html and 'id="progress-charts"' in html
    assert "3.9 ★" in html  # (5 + 3 + 2 + 30 * 4) / 33
    client.force_login(student)
    assert client.get("/progress/teaching/").status_code == 404


# The session and the user (2), the roles (1), the report (5: the time zone, lessons per
# week and per month, ratings per month, the overall rating).
TEACHING_QUERIES = 8
