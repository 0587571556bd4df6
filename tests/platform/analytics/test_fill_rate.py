"""The marketplace dashboard's fill rate of availability: booked slot time / offered time
per week, with known answers and pinned queries."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tutoring.models import AvailabilityException, Booking, BookingStatus, ListingStatus

pytestmark = pytest.mark.django_db


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def weeks(make_listing, make_gig, user_factory):  # type: ignore[no-untyped-def]
    """Two weeks (Mondays 2026-11-09 and 2026-11-16) of one verified teacher offering
    Mondays 9-12 and Wednesdays 10-12 (5 h a week); a pending teacher's hours do not count."""
    teacher = make_listing(hours=[(0, time(9), time(12)), (2, time(10), time(12))])
    make_listing(hours=[(1, time(9), time(17))], status=ListingStatus.PENDING)
    gig = make_gig(teacher)
    learner = user_factory()
    # Week 1: an hour off (5 h - 1 h = 4 h); week 2: two extra hours (5 h + 2 h = 7 h).
    AvailabilityException.objects.create(
        listing=teacher, kind="time_off", start=at(9, 9), end=at(9, 10)
    )
    AvailabilityException.objects.create(
        listing=teacher, kind="extra", start=at(18, 14), end=at(18, 16)
    )

    def book(start: datetime, minutes: int, status: str) -> None:
        end = start + timedelta(minutes=minutes)
        Booking.objects.create(
            teacher=teacher,
            learner=learner,
            gig=gig,
            start=start,
            end=end,
            blocked_start=start,
            blocked_end=end,
            currency="EUR",
            price=30,
            status=status,
        )

    # Week 1: 60 min done and a 30 min no-show took slots; cancelled and held did not.
    book(at(9, 10), 60, BookingStatus.COMPLETED)
    book(at(9, 11), 30, BookingStatus.NO_SHOW)
    book(at(11, 10), 60, BookingStatus.CANCELLED)
    book(at(11, 11), 60, BookingStatus.HELD)
    # Week 2: 60 + 45 min.
    book(at(16, 9), 60, BookingStatus.CONFIRMED)
    book(at(18, 10), 45, BookingStatus.COMPLETED)
    # Outside the period.
    book(at(23, 9), 60, BookingStatus.COMPLETED)


def test_fill_rate_per_week_has_the_known_answers(api_client, admin, weeks) -> None:  # type: ignore[no-untyped-def]
    api_client.force_login(admin)
    url = "/api/v1/analytics/charts/availability_fill_rate/?days=14&until=2026-11-22"
    with CaptureQueriesContext(connection) as queries:
        chart = api_client.get(url).json()
    # Session, user, the offered-hours history (none: today's weekly hours), weekly hours,
    # exceptions, bookings.
    assert len(queries) == 6, [q["sql"] for q in queries]
    assert chart["columns"] == ["Week", "Hours offered", "Hours booked", "Fill rate %"]
    assert chart["rows"] == [
        ["2026-11-09", 4.0, 1.5, 37.5],
        ["2026-11-16", 7.0, 1.8, 25.0],
    ]
    csv = api_client.get(url.replace("/?", "/csv/?")).content.decode().splitlines()
    assert csv[1:] == ["2026-11-09,4.0,1.5,37.5", "2026-11-16,7.0,1.8,25.0"]


def test_the_query_count_does_not_grow_with_the_period(api_client, admin, weeks) -> None:  # type: ignore[no-untyped-def]
    api_client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        chart = api_client.get(
            "/api/v1/analytics/charts/availability_fill_rate/?days=365&until=2026-11-22"
        ).json()
    assert len(queries) == 6 and len(chart["rows"]) == 53
    assert sum(row[2] for row in chart["rows"]) == pytest.approx(3.3)


def test_no_availability_gives_no_rate(api_client, admin) -> None:  # type: ignore[no-untyped-def]
    api_client.force_login(admin)
    chart = api_client.get("/api/v1/analytics/charts/availability_fill_rate/?days=7").json()
    assert all(row[1:] == [0.0, 0.0, None] for row in chart["rows"])


def test_past_weeks_divide_by_the_hours_offered_then(  # type: ignore[no-untyped-def]
    api_client, admin, make_listing, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    """Weekly hours keep no history: every change of them or of a listing's verification
    records the week's total (tutoring.services.availability_history), carried forward to
    the weeks after it; weeks before the first record fall back to today's hours."""
    from datetime import date

    from tutoring.models import OfferedHoursWeek, WeeklyHours
    from tutoring.services import availability_history, teachers

    teacher = make_listing(hours=[(0, time(9), time(12)), (2, time(10), time(12))])  # 5 h
    newcomer = make_listing(hours=[(4, time(8), time(10))], status=ListingStatus.PENDING)  # 2 h

    # Week of 9 November: the teacher cuts to Mondays 9-12 (3 h).
    monkeypatch.setattr(availability_history, "today", lambda: date(2026, 11, 11))
    with django_capture_on_commit_callbacks(execute=True):
        teachers.set_weekly_hours(teacher, [(0, time(9), time(12))])
    # Week of 23 November: a second teacher is verified (3 h + 2 h).
    monkeypatch.setattr(availability_history, "today", lambda: date(2026, 11, 26))
    with django_capture_on_commit_callbacks(execute=True):
        teachers.approve(newcomer, by=admin)
    assert list(OfferedHoursWeek.objects.values_list("week", "minutes")) == [
        (date(2026, 11, 9), 180),
        (date(2026, 11, 23), 300),
    ]

    api_client.force_login(admin)
    chart = api_client.get(
        "/api/v1/analytics/charts/availability_fill_rate/?days=28&until=2026-11-29"
    ).json()
    # 2 Nov: before any record, today's hours (5 h); 9 Nov: 3 h; 16 Nov: carried forward;
    # 23 Nov: 5 h.
    assert [row[:2] for row in chart["rows"]] == [
        ["2026-11-02", 5.0],
        ["2026-11-09", 3.0],
        ["2026-11-16", 3.0],
        ["2026-11-23", 5.0],
    ]
    # A range after the last record reads the record, not today's hours (changed here behind
    # the services' back, so no record follows).
    WeeklyHours.objects.filter(listing=newcomer).delete()
    chart = api_client.get(
        "/api/v1/analytics/charts/availability_fill_rate/?days=7&until=2026-12-06"
    ).json()
    assert [row[:2] for row in chart["rows"]] == [["2026-11-30", 5.0]]
