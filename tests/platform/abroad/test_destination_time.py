"""Arrival days are the destination's: a booking remembers its destination's zone, and
"today", "arriving in three days" and "check-in must be in the future" are counted by the
destination's calendar, not the server's (UTC here). Auckland is 13 hours ahead of UTC in
December and Los Angeles 8 hours behind, so near midnight the two calendars disagree."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from abroad import services, tasks
from abroad.errors import NotBookable
from abroad.models import BookingStatus
from django.core import mail
from icalendar import Calendar
from rest_framework.test import APIClient

from cms.abroad.models import DestinationPage
from cms.abroad.testing import next_weekday
from payments.models import Payment, PaymentStatus
from payments.services import confirm_demo_payment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _demo(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PAYMENTS_DEMO_ENABLED = True


def _in_zone(abroad_tree: dict[str, Any], zone: str) -> None:
    DestinationPage.objects.filter(pk=abroad_tree["destination"].pk).update(time_zone=zone)


def _winter_check_in() -> date:
    """A December day (Auckland on summer time, UTC+13; Los Angeles UTC-8), far enough
    ahead to be bookable."""
    day = next_weekday(0)
    return date(day.year + 1, 12, 7)


def _paid_stay(make_homestay, homestay_owner, learner, check_in: date):  # type: ignore[no-untyped-def]
    room = make_homestay(homestay_owner).rooms.get()
    booking = services.hold_booking(
        learner=learner, room_id=room.pk, check_in=check_in, check_out=check_in + timedelta(7)
    )
    client = APIClient()
    client.force_authenticate(learner)
    response = client.post(f"/api/v1/abroad/bookings/{booking.pk}/pay/", {"provider": "demo"})
    assert response.status_code == 200, response.json()
    payment = Payment.objects.get(pk=response.json()["payment"]["payment_id"])
    assert confirm_demo_payment(payment, card="4242 4242 4242 4242").status == (
        PaymentStatus.SUCCEEDED
    )
    booking.refresh_from_db()
    assert booking.status in (BookingStatus.PAID, BookingStatus.CONFIRMED)
    return booking


def _utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "days_before", "hour", "due"),
    [
        # 11:30 UTC four days before is 00:30 in Auckland three days before: due there.
        ("Pacific/Auckland", 4, 11, True),
        # 10:30 UTC is still 23:30 four days before in Auckland: not yet.
        ("Pacific/Auckland", 4, 10, False),
        # 06:30 UTC three days before is 22:30 the evening before in Los Angeles: not yet.
        ("America/Los_Angeles", 3, 6, False),
        # 08:30 UTC is 00:30 three days before in Los Angeles: due.
        ("America/Los_Angeles", 3, 8, True),
    ],
)
def test_the_arrival_reminder_counts_days_in_the_destinations_zone(  # type: ignore[no-untyped-def]
    abroad_tree,
    make_homestay,
    homestay_owner,
    student,
    monkeypatch,
    django_capture_on_commit_callbacks,
    zone,
    days_before,
    hour,
    due,
) -> None:
    _in_zone(abroad_tree, zone)
    check_in = _winter_check_in()
    monkeypatch.setattr(tasks.notify_paid, "delay", lambda booking_id: None)
    booking = _paid_stay(make_homestay, homestay_owner, student, check_in)
    assert booking.time_zone == zone
    sent: list[tuple[str, ...]] = []
    monkeypatch.setattr(tasks.email_booking, "delay", lambda *args: sent.append(args))
    now = _utc(check_in - timedelta(days=days_before), hour, 30)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_due_reminders(now) == int(due)
    assert sent == ([(str(booking.pk), "reminder")] if due else [])


def test_check_in_must_be_after_today_at_the_destination(  # type: ignore[no-untyped-def]
    abroad_tree, make_homestay, homestay_owner, student
) -> None:
    _in_zone(abroad_tree, "Pacific/Auckland")
    room = make_homestay(homestay_owner).rooms.get()
    check_in = _winter_check_in()
    # 11:30 UTC the day before is already the check-in day in Auckland.
    with pytest.raises(NotBookable, match="future"):
        services.hold_booking(
            learner=student,
            room_id=room.pk,
            check_in=check_in,
            check_out=check_in + timedelta(7),
            now=_utc(check_in - timedelta(days=1), 11, 30),
        )
    booking = services.hold_booking(
        learner=student,
        room_id=room.pk,
        check_in=check_in,
        check_out=check_in + timedelta(7),
        now=_utc(check_in - timedelta(days=1), 10, 30),
    )
    assert booking.time_zone == "Pacific/Auckland"
    assert booking.local_today(_utc(check_in - timedelta(days=1), 11, 30)) == check_in


def test_the_confirmation_its_calendar_file_and_the_trip_page_name_the_destinations_zone(  # type: ignore[no-untyped-def]
    abroad_tree,
    make_homestay,
    homestay_owner,
    student,
    client,
    monkeypatch,
) -> None:
    _in_zone(abroad_tree, "Pacific/Auckland")
    monkeypatch.setattr(tasks.notify_paid, "delay", lambda booking_id: None)
    booking = _paid_stay(make_homestay, homestay_owner, student, _winter_check_in())
    tasks.email_booking(str(booking.pk), "confirmation")
    [message] = mail.outbox
    assert f"Arrival: {booking.check_in:%-d %b %Y} (local date, Pacific/Auckland)" in message.body
    [(_name, content, _type)] = message.attachments
    calendar = Calendar.from_ical(content)
    assert str(calendar["x-wr-timezone"]) == "Pacific/Auckland"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == booking.check_in
    assert "Pacific/Auckland" in str(event["description"])
    client.force_login(student)
    page = client.get(f"/abroad/trips/{booking.pk}/").content.decode()
    assert "(local date, Pacific/Auckland)" in page


@pytest.mark.parametrize(("hour", "shown"), [(11, True), (10, False)])
def test_the_vendor_dashboard_counts_arrivals_by_the_destinations_calendar(  # type: ignore[no-untyped-def]
    abroad_tree, make_homestay, homestay_owner, student, monkeypatch, hour, shown
) -> None:
    """Arrivals "in the next two weeks" on the host's dashboard: 11:30 UTC fifteen days
    before is 00:30 fourteen days before in Auckland (shown); 10:30 UTC is still the
    evening before there (not yet)."""
    from abroad import selectors

    _in_zone(abroad_tree, "Pacific/Auckland")
    check_in = _winter_check_in()
    monkeypatch.setattr(tasks.notify_paid, "delay", lambda booking_id: None)
    booking = _paid_stay(make_homestay, homestay_owner, student, check_in)
    now = _utc(check_in - timedelta(days=15), hour, 30)
    arrivals = selectors.vendor_dashboard(homestay_owner, now)["arrivals"]
    assert [b.pk for b in arrivals] == ([booking.pk] if shown else [])
