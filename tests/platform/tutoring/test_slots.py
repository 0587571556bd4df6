"""Slot search answers in the learner's zone and stays right across daylight-saving changes."""

from datetime import UTC, datetime, time, timedelta

import pytest

from tutoring.selectors.slots import free_slots

pytestmark = pytest.mark.django_db

MONDAY = 0


def test_slots_across_dst_changes_for_teacher_and_learner_in_different_zones(
    api_client, make_listing, make_gig
) -> None:
    """A New York teacher teaches Mondays 09:00-10:00 their time. The US moves its clocks on
    8 March 2026, Europe on 29 March: for a Berlin learner the lesson is at 15:00, then 14:00
    for three weeks, then 15:00 again."""
    listing = make_listing(
        time_zone="America/New_York",
        hours=[(MONDAY, time(9), time(10))],
        booking_horizon_days=366,
    )
    make_gig(listing)
    now = datetime(2026, 2, 1, tzinfo=UTC)
    found = free_slots(
        listing, 60, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 7, tzinfo=UTC), now=now
    )
    assert [slot.start for slot in found] == [
        datetime(2026, 3, 2, 14, tzinfo=UTC),  # EST, UTC-5
        datetime(2026, 3, 9, 13, tzinfo=UTC),  # EDT, UTC-4
        datetime(2026, 3, 16, 13, tzinfo=UTC),
        datetime(2026, 3, 23, 13, tzinfo=UTC),
        datetime(2026, 3, 30, 13, tzinfo=UTC),
        datetime(2026, 4, 6, 13, tzinfo=UTC),
    ]


def test_slots_api_answers_in_the_learners_zone(api_client, make_listing, make_gig) -> None:
    listing = make_listing(
        time_zone="America/New_York", hours=[(MONDAY, time(9), time(10))], booking_horizon_days=3660
    )
    make_gig(listing)
    # Pick the next March: compute the Mondays around the European change of that year.
    year = datetime.now(tz=UTC).year + 1
    response = api_client.get(
        f"/api/v1/teachers/{listing.pk}/slots/",
        {"from": f"{year}-03-01", "to": f"{year}-04-07", "tz": "Europe/Berlin", "duration": 60},
    )
    assert response.status_code == 200, response.json()
    starts = [slot["start"] for slot in response.json()["slots"]]
    local = [(s[11:16], s[19:]) for s in starts]
    # Before the US change: 15:00+01:00; between the changes: 14:00+01:00; after: 15:00+02:00.
    assert local[0] == ("15:00", "+01:00")
    assert ("14:00", "+01:00") in local
    assert local[-1] == ("15:00", "+02:00")
    assert response.json()["time_zone"] == "Europe/Berlin"


def test_the_skipped_hour_starts_at_the_first_minute_that_exists(make_listing, make_gig) -> None:
    """Berlin skips 02:00-03:00 on 29 March 2026: hours 02:30-04:00 become 03:00-04:00."""
    listing = make_listing(
        time_zone="Europe/Berlin",
        hours=[(6, time(2, 30), time(4))],
        booking_horizon_days=366,
    )
    found = free_slots(
        listing,
        30,
        datetime(2026, 3, 28, tzinfo=UTC),
        datetime(2026, 3, 30, tzinfo=UTC),
        now=datetime(2026, 3, 1, tzinfo=UTC),
    )
    assert [slot.start for slot in found] == [
        datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 03:00 CEST
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
    ]


def test_buffers_notice_horizon_and_time_off(make_listing, make_gig, user_factory) -> None:
    from tutoring.models import ExceptionKind
    from tutoring.services.bookings import hold_booking
    from tutoring.services.teachers import add_exception

    now = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # a Monday
    listing = make_listing(
        hours=[(MONDAY, time(9), time(13))],
        buffer_after_minutes=15,
        minimum_notice_minutes=120,
        booking_horizon_days=7,
        slot_step_minutes=30,
    )
    gig = make_gig(listing)
    day = [
        s.start.hour * 60 + s.start.minute
        for s in free_slots(listing, 60, now, now + timedelta(days=1), now=now)
    ]
    assert day == [600, 630, 660, 690, 720]  # from 10:00 (two hours' notice) to 12:00
    hold_booking(
        learner=user_factory(),
        gig=gig,
        start=datetime(2026, 6, 1, 10, 0, tzinfo=UTC),
        minutes=60,
        now=now,
    )
    day = [
        s.start.hour * 60 + s.start.minute
        for s in free_slots(listing, 60, now, now + timedelta(days=1), now=now)
    ]
    assert day == [690, 720]  # 11:00 is inside the 15-minute buffer after the lesson
    add_exception(
        listing,
        kind=ExceptionKind.TIME_OFF,
        start=datetime(2026, 6, 1, 12, tzinfo=UTC),
        end=datetime(2026, 6, 1, 13, tzinfo=UTC),
    )
    assert [
        s.start.hour for s in free_slots(listing, 60, now, now + timedelta(days=1), now=now)
    ] == []
    assert free_slots(listing, 60, now + timedelta(days=8), now + timedelta(days=9), now=now) == []


def test_hours_until_midnight_join_the_next_mornings_so_a_lesson_can_cross_midnight(
    make_listing,
) -> None:
    """A time field cannot say 24:00: hours that end at 23:59 run to midnight. Before, a
    teacher open all day, every day could not be booked for 23:00-00:00 (the day's window ended
    a microsecond short of the next one)."""
    listing = make_listing(
        hours=[(0, time(20), time(23, 59)), (1, time(0), time(2))], booking_horizon_days=366
    )
    monday = datetime(2026, 3, 2, tzinfo=UTC)
    found = free_slots(
        listing, 60, monday + timedelta(hours=22), monday + timedelta(hours=25), now=monday
    )
    # Every half hour from 22:00 to 00:30, across midnight (23:30-00:30 included).
    assert [slot.start for slot in found] == [
        monday + timedelta(hours=22, minutes=30 * step) for step in range(6)
    ]
