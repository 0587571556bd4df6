"""The admin occupancy and revenue report (CSV/XLSX export, a fixed query count however
many listings) and the vendor's dashboard panel on the admin home page."""

import csv
import io
from datetime import timedelta

import pytest
from abroad import services
from abroad.models import AbroadBooking, BookingStatus
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cms.abroad.vendors import grant_vendor_subtree

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/abroad-occupancy/"


def sold_stay(room, learner, check_in, nights: int) -> AbroadBooking:  # type: ignore[no-untyped-def]
    booking = services.hold_booking(
        learner=learner,
        room_id=room.pk,
        check_in=check_in,
        check_out=check_in + timedelta(days=nights),
    )
    AbroadBooking.objects.filter(pk=booking.pk).update(
        status=BookingStatus.PAID, amount_paid=booking.total
    )
    return booking


def test_the_report_counts_nights_and_seats_against_capacity_and_exports(
    client, admin, student, make_homestay, make_course, homestay_owner, institution
) -> None:
    home = make_homestay(homestay_owner, rooms=2)
    room = home.rooms.first()
    start = timezone.localdate() + timedelta(days=2)
    sold_stay(room, student, start, 10)
    course = make_course(institution, seats=8)
    intake = course.intakes.get()
    booking = services.hold_booking(learner=student, intake_id=intake.pk, seats=2)
    AbroadBooking.objects.filter(pk=booking.pk).update(status=BookingStatus.CONFIRMED)

    client.force_login(admin)
    period = {"start": start.isoformat(), "end": (start + timedelta(days=40)).isoformat()}
    page = client.get(REPORT, period)
    assert page.status_code == 200
    exported = client.get(REPORT, {**period, "export": "csv"})
    assert exported.status_code == 200
    rows = {
        row["Listing"]: row
        for row in csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode()))
    }
    stay = rows[home.title]
    assert (stay["Bookings"], stay["Seats or nights sold"], stay["Capacity"]) == ("1", "10", "80")
    assert stay["Occupancy (%)"] == "12" and stay["Sold value"] == "350.00"
    seats = rows[course.title]
    assert (seats["Seats or nights sold"], seats["Capacity"], seats["Occupancy (%)"]) == (
        "2",
        "8",
        "25",
    )
    xlsx = client.get(REPORT, {**period, "export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")


def test_the_report_query_count_does_not_grow_with_listings(
    client, admin, student, make_homestay, homestay_owner
) -> None:
    client.force_login(admin)
    make_homestay(homestay_owner)
    client.get(REPORT)
    with CaptureQueriesContext(connection) as few:
        assert client.get(REPORT).status_code == 200
    for number in range(4):
        home = make_homestay(homestay_owner, title=f"Casa {number}")
        sold_stay(home.rooms.get(), student, timezone.localdate() + timedelta(days=3), 4)
    with CaptureQueriesContext(connection) as many:
        assert client.get(REPORT).status_code == 200
    assert len(many) == len(few)


def test_only_staff_with_the_permission_open_the_report(
    client, moderator, homestay_owner, student
) -> None:
    client.force_login(moderator)
    assert client.get(REPORT).status_code == 200
    for who in (homestay_owner, student):
        client.force_login(who)
        assert client.get(REPORT).status_code in (302, 403)


def test_the_vendor_dashboard_shows_arrivals_requests_occupancy_and_revenue(
    client, homestay_owner, student, make_homestay, assert_num_queries
) -> None:
    home = make_homestay(homestay_owner)
    grant_vendor_subtree(homestay_owner, home)
    arrival = timezone.localdate() + timedelta(days=5)
    sold_stay(home.rooms.get(), student, arrival, 6)
    client.force_login(homestay_owner)
    page = client.get("/admin/").content.decode()
    assert 'data-testid="vendor-dashboard"' in page
    assert student.get_full_name() in page
    assert "210.00 EUR" in page  # 6 nights at 35
    assert "20 %" in page  # 6 of 30 nights

    from abroad import selectors

    # Arrivals, requests, the listings, three for each period's occupancy (bookings, rooms,
    # intakes; the next 30 days and this year) and the reviews to answer: none per row.
    with assert_num_queries(10):
        selectors.vendor_dashboard(homestay_owner, timezone.now())
