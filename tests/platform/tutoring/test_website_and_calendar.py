"""Website pages (directory, teacher page, dashboards) and the teacher's iCalendar feed."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from tutoring.services import bookings as booking_services

pytestmark = pytest.mark.django_db


def _confirmed(listing, gig, learner, hours: int):  # type: ignore[no-untyped-def]
    start = (timezone.now() + timedelta(hours=hours)).replace(minute=0, second=0, microsecond=0)
    booking = booking_services.hold_booking(
        learner=learner, gig=gig, start=start, minutes=60, check_availability=False
    )
    return booking_services.confirm_payment(booking.pk, payment_reference="test")


def test_the_calendar_feed_lists_the_teachers_lessons_at_a_secret_url(
    client, make_listing, make_gig, student, other_student
) -> None:
    listing = make_listing()
    gig = make_gig(listing)
    first = _confirmed(listing, gig, student, 30)
    _confirmed(listing, gig, other_student, 50)
    booking_services.hold_booking(  # held, unpaid: not in the calendar
        learner=student,
        gig=gig,
        start=first.start + timedelta(hours=3),
        minutes=60,
        check_availability=False,
    )
    response = client.get(f"/tutoring/calendar/{listing.calendar_token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 2
    assert events[0]["UID"] == f"booking-{first.pk}@toto"
    assert events[0].decoded("DTSTART") == first.start
    assert events[0].decoded("DTEND") == first.end
    assert "Spanish conversation" in str(events[0]["SUMMARY"])
    assert client.get("/tutoring/calendar/not-the-token.ics").status_code == 404


def test_directory_lists_verified_teachers_in_a_fixed_number_of_queries(
    client, make_listing, make_gig
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tutoring.models import ListingStatus

    for _ in range(3):
        make_gig(make_listing())
    hidden = make_listing(status=ListingStatus.PENDING)
    client.get("/tutoring/")  # warms the per-process caches (site, settings)
    with CaptureQueriesContext(connection) as three:
        response = client.get("/tutoring/?language=es")
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 3
    assert hidden.user.get_full_name() not in response.content.decode()
    for _ in range(3):
        make_gig(make_listing())
    with CaptureQueriesContext(connection) as six:
        response = client.get("/tutoring/?language=es")
    assert len(response.context["page_obj"]) == 6
    assert len(six) == len(three) == 8


def test_dashboards_show_each_side_only_their_own_lessons(
    client, make_listing, make_gig, student, other_student
) -> None:
    listing = make_listing()
    gig = make_gig(listing)
    mine = _confirmed(listing, gig, student, 30)
    theirs = _confirmed(listing, gig, other_student, 50)
    client.force_login(student)
    page = client.get("/tutoring/dashboard/").content.decode()
    assert f"/tutoring/bookings/{mine.pk}/" in page
    assert f"/tutoring/bookings/{theirs.pk}/" not in page
    assert client.get(f"/tutoring/bookings/{theirs.pk}/").status_code == 404
    client.force_login(listing.user)
    page = client.get("/tutoring/teach/").content.decode()
    assert f"/tutoring/bookings/{mine.pk}/" in page and f"/tutoring/bookings/{theirs.pk}/" in page
    assert "51.00" in page  # pending earnings: 2 x 30.00 less 15 %
