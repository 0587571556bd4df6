"""What a learner asks from a chat ("when are you free next?"): the teacher's next free
slots, through the API, in the learner's time zone, without what is already booked."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db


def test_next_free_slots_skip_booked_time_and_answer_in_the_learners_zone(
    api_client, make_listing, make_gig, student, assert_num_queries
) -> None:
    listing = make_listing()
    gig = make_gig(listing, durations={60: "30.00"})
    url = f"/api/v1/teachers/{listing.pk}/next-slots/"
    first = api_client.get(url, {"tz": "Asia/Kolkata", "gig": gig.pk})
    assert first.status_code == 200, first.json()
    assert first.json()["time_zone"] == "Asia/Kolkata"
    slots = first.json()["slots"]
    assert len(slots) == 5
    starts = [datetime.fromisoformat(s["start"]) for s in slots]
    assert starts == sorted(starts)
    for slot in slots:
        start, end = datetime.fromisoformat(slot["start"]), datetime.fromisoformat(slot["end"])
        assert slot["start"].endswith("+05:30")
        assert end - start == timedelta(minutes=60)
        assert start.astimezone(UTC).hour >= 9 and end.astimezone(UTC) <= end.astimezone(
            UTC
        ).replace(hour=17, minute=0)  # the teacher's hours, 09:00-17:00 in UTC

    # The learner takes the first one; asking again, it (and anything overlapping) is gone.
    api_client.force_login(student)
    booked = api_client.post(
        "/api/v1/bookings/", {"gig": gig.pk, "start": slots[0]["start"], "duration": 60}
    )
    assert booked.status_code == 201, booked.json()
    # The teacher publishes a group session over the last one.
    from tutoring.services.group_sessions import publish

    publish(
        gig,
        by=listing.user,
        topic="Charla",
        start=starts[-1],
        minutes=60,
        price=Decimal("5"),
        seats=3,
    )
    # session, user, listing (+ languages, gigs, durations), minutes, hours, exceptions,
    # bookings, sessions: the same whatever the number of bookings.
    with assert_num_queries(11):
        again = api_client.get(url, {"tz": "Asia/Kolkata", "gig": gig.pk})
    assert len(again.json()["slots"]) == 5
    for slot in again.json()["slots"]:
        start = datetime.fromisoformat(slot["start"])
        for taken in (starts[0], starts[-1]):
            assert not taken - timedelta(minutes=60) < start < taken + timedelta(hours=1)


def test_next_slots_of_an_unlisted_teacher_or_a_bad_zone_are_refused(
    api_client, make_listing
) -> None:
    from tutoring.models import ListingStatus

    hidden = make_listing(status=ListingStatus.PENDING)
    assert api_client.get(f"/api/v1/teachers/{hidden.pk}/next-slots/").status_code == 404
    listed = make_listing()
    bad = api_client.get(f"/api/v1/teachers/{listed.pk}/next-slots/", {"tz": "Mars/Olympus"})
    assert bad.status_code == 400
