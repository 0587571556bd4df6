"""The admin report of study-abroad bookings and payments by vendor: per booking part what
was paid, refunded, the commission and the vendor's earnings, totals per vendor that match
the ledger, a vendor filter, CSV export, a fixed query count, staff only."""

import csv
import io
from decimal import Decimal

import pytest
from abroad import services
from abroad.models import BookingStatus
from django.db import connection
from django.test.utils import CaptureQueriesContext

from credits.models import AccountKind
from credits.services import user_account, verify_balances

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/abroad-vendors/"


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_totals_by_vendor_match_the_ledger_and_the_export_lists_each_part_with_its_payments(  # type: ignore[no-untyped-def]
    client,
    admin,
    completed_package,
    paid_stay,
    make_homestay,
    institution,
    homestay_owner,
    other_student,
) -> None:
    trip, first = completed_package["package"], completed_package["payment"]
    # A second stay, with another host's room, cancelled by its host: refunded in full.
    other_home = make_homestay(homestay_owner, title="Casa Pepe")
    cancelled = paid_stay(other_home, other_student)
    services.cancel_booking(cancelled.pk, by=homestay_owner)
    cancelled.refresh_from_db()
    assert cancelled.status == BookingStatus.CANCELLED
    assert cancelled.refunded_amount == cancelled.amount_paid == Decimal("140.00")

    client.force_login(admin)
    page = client.get(REPORT)
    assert page.status_code == 200
    totals = {row["vendor"]: row for row in page.context["totals"]}
    school = totals[institution.email]
    host = totals[homestay_owner.email]
    school_earned = user_account(institution, AccountKind.EARNINGS, "EUR").balance
    host_earned = user_account(homestay_owner, AccountKind.EARNINGS, "EUR").balance
    assert school_earned > 0 and host_earned > 0
    assert (school["bookings"], school["earnings"], school["paid_out"]) == (
        1,
        school_earned,
        school_earned,
    )
    assert (host["bookings"], host["earnings"], host["pending"]) == (2, host_earned, Decimal(0))
    assert school["gross"] + host["gross"] == first.amount + Decimal("140.00")
    assert host["refunded"] == Decimal("140.00") and school["refunded"] == 0
    assert school["commission"] == school["gross"] * 12 / 100  # Settings: 12 % on courses
    assert school["gross"] == school["commission"] + school["earnings"]
    html = page.content.decode()
    assert f'data-booking="{trip.pk}" data-part="course"' in html
    assert f'data-booking="{cancelled.pk}" data-part="stay"' in html
    assert f"/admin/finance/payments/inspect/{first.pk}/" in html or str(first.pk) in html

    rows = _csv(client.get(REPORT, {"export": "csv"}))
    assert len(rows) == 3  # the package's two parts and the cancelled stay
    by_part = {(row["Booking"], row["Part"]): row for row in rows}
    stay = by_part[(str(cancelled.pk), "stay")]
    assert (stay["Vendor"], stay["Paid"], stay["Refunded"], stay["Vendor earnings"]) == (
        homestay_owner.email,
        "140.00",
        "140.00",
        "0",
    )
    assert "demo 140.00" in stay["Payments"]

    # One vendor: only their parts, and only their totals.
    only_school = client.get(REPORT, {"vendor": institution.pk})
    assert [row["vendor"] for row in only_school.context["totals"]] == [institution.email]
    school_rows = _csv(client.get(REPORT, {"vendor": institution.pk, "export": "csv"}))
    assert [(row["Booking"], row["Part"]) for row in school_rows] == [(str(trip.pk), "course")]
    assert verify_balances() == []


def test_the_report_query_count_does_not_grow_with_bookings(  # type: ignore[no-untyped-def]
    client, admin, paid_stay, make_homestay, homestay_owner, student
) -> None:
    client.force_login(admin)
    paid_stay(make_homestay(homestay_owner), student)
    client.get(REPORT)
    with CaptureQueriesContext(connection) as few:
        assert client.get(REPORT).status_code == 200
    for number in range(4):
        paid_stay(make_homestay(homestay_owner, title=f"Casa {number}"), student, 50 + number * 7)
    with CaptureQueriesContext(connection) as many:
        page = client.get(REPORT)
    assert page.status_code == 200 and len(page.context["object_list"]) == 5
    assert len(many) == len(few)


def test_only_staff_with_the_permission_open_the_report(  # type: ignore[no-untyped-def]
    client, moderator, homestay_owner, student
) -> None:
    client.force_login(moderator)
    assert client.get(REPORT).status_code == 200
    for who in (homestay_owner, student):
        client.force_login(who)
        assert client.get(REPORT).status_code in (302, 403)
