"""Which zone every tutoring time is in (``tutoring.zones``): a teacher enters and reads
times in their teaching zone (the listing's, the zone of their weekly hours, whatever their
profile says while they travel); a learner reads them in their profile zone; pages and
notifications say the zone.

A teacher in Europe/Berlin and a learner in America/New_York, across the weeks where only
New York has moved its clocks: a 10:00 lesson in Berlin is 05:00 in New York on the Friday
before Europe's change and 04:00 on the Monday after it."""

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from accounts.models import Profile
from notifications.models import Notification
from tutoring import tasks
from tutoring.models import GroupSession, TimeRequest
from tutoring.services import bookings as booking_services
from tutoring.services import group_sessions as session_services
from tutoring.services import time_requests as request_services
from tutoring.services.reminders import send_due_reminders

pytestmark = pytest.mark.django_db
BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
DASH = "\N{EN DASH}"  # between a start and an end on the pages


def shown(html: str) -> str:
    """A page's text around its times: the <time datetime> elements (|when, |clock) unwrapped."""
    return re.sub(r"</?time[^>]*>", "", html)


def _last_sunday_of_march(year: int) -> date:
    day = date(year, 3, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


# Next year's change in Europe (last Sunday of March); New York's (second Sunday) is earlier.
EU_CHANGE = _last_sunday_of_march(datetime.now(tz=UTC).year + 1)
FRIDAY_BEFORE = datetime.combine(EU_CHANGE - timedelta(days=2), time(10), tzinfo=BERLIN)
MONDAY_AFTER = datetime.combine(EU_CHANGE + timedelta(days=1), time(10), tzinfo=BERLIN)


def _set_zone(user, name: str) -> None:  # type: ignore[no-untyped-def]
    Profile.objects.filter(user=user).update(time_zone=name)


@pytest.fixture
def berlin_teacher(make_listing, make_gig, teacher):  # type: ignore[no-untyped-def]
    """Hours written in Berlin; the profile says Tokyo (travelling): the listing wins."""
    _set_zone(teacher, "Asia/Tokyo")
    every_hour = [(day, time(0), time(23, 59)) for day in range(7)]
    listing = make_listing(
        teacher, time_zone="Europe/Berlin", hours=every_hour, booking_horizon_days=3660
    )
    return make_gig(listing)


@pytest.fixture
def new_york_learner(student):  # type: ignore[no-untyped-def]
    _set_zone(student, "America/New_York")
    return student


def _confirmed(gig, learner, start):  # type: ignore[no-untyped-def]
    booking = booking_services.hold_booking(learner=learner, gig=gig, start=start, minutes=60)
    return booking_services.confirm_payment(booking.pk, payment_reference="test")


def _bodies(user) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("created_at")
        .values_list("body", flat=True)
    )


def test_the_dst_window_is_what_this_module_says() -> None:
    assert FRIDAY_BEFORE.astimezone(NEW_YORK).hour == 5
    assert MONDAY_AFTER.astimezone(NEW_YORK).hour == 4
    assert FRIDAY_BEFORE.astimezone(UTC).hour == 9 and MONDAY_AFTER.astimezone(UTC).hour == 8


def test_dashboards_and_lesson_pages_show_each_side_its_own_zone(
    client, berlin_teacher, new_york_learner
) -> None:
    friday = _confirmed(berlin_teacher, new_york_learner, FRIDAY_BEFORE)
    monday = _confirmed(berlin_teacher, new_york_learner, MONDAY_AFTER)
    fri, mon = f"{FRIDAY_BEFORE:%a %-d %b}", f"{MONDAY_AFTER:%a %-d %b}"

    client.force_login(berlin_teacher.listing.user)
    page = shown(client.get("/tutoring/teach/").content.decode())
    assert f"{fri}, 10:00" in page and f"{mon}, 10:00" in page
    assert "your teaching zone, Europe/Berlin" in page and "Asia/Tokyo" not in page
    lesson = shown(client.get(f"/tutoring/bookings/{monday.pk}/").content.decode())
    assert f"10:00{DASH}11:00 (Europe/Berlin)" in lesson

    client.force_login(new_york_learner)
    page = shown(client.get("/tutoring/dashboard/").content.decode())
    assert f"{fri}, 05:00" in page and f"{mon}, 04:00" in page
    assert "Times are shown in America/New_York." in page
    lesson = shown(client.get(f"/tutoring/bookings/{friday.pk}/").content.decode())
    assert f"05:00{DASH}06:00 (America/New_York)" in lesson


def test_pending_requests_on_the_teacher_dashboard_are_in_the_teaching_zone(
    client, berlin_teacher, new_york_learner
) -> None:
    request_services.request_time(
        learner=new_york_learner, gig=berlin_teacher, start=MONDAY_AFTER, minutes=60
    )
    client.force_login(berlin_teacher.listing.user)
    page = shown(client.get("/tutoring/teach/").content.decode())
    assert f"{MONDAY_AFTER:%a %-d %b}, 10:00 Europe/Berlin" in page


def test_a_group_session_entered_in_berlin_reads_in_each_zone(
    client, berlin_teacher, new_york_learner
) -> None:
    teacher = berlin_teacher.listing.user
    client.force_login(teacher)
    answer = client.post(
        "/tutoring/teach/group-sessions/new/",
        {
            "gig": berlin_teacher.pk,
            "topic": "Frühlingswörter",
            "level": "B1",
            "start": f"{MONDAY_AFTER:%Y-%m-%dT%H:%M}",
            "minutes": 60,
            "price": "10.00",
            "seats": 4,
        },
    )
    assert answer.status_code == 302, answer.context["form"].errors
    session = GroupSession.objects.get()
    assert session.start == MONDAY_AFTER.astimezone(UTC)  # 08:00 UTC, summer time in Berlin
    mine = shown(client.get("/tutoring/teach/group-sessions/").content.decode())
    assert f'{MONDAY_AFTER:%a %-d %b}, 10:00</a> <span class="meta">Europe/Berlin' in mine
    own = shown(client.get(f"/tutoring/group-sessions/{session.pk}/").content.decode())
    assert f"10:00{DASH}11:00 (Europe/Berlin)" in own
    form = shown(client.get(f"/tutoring/teach/group-sessions/{session.pk}/").content.decode())
    assert f'value="{MONDAY_AFTER:%Y-%m-%dT%H:%M}"' in form

    client.force_login(new_york_learner)
    public = shown(client.get(f"/tutoring/group-sessions/{session.pk}/").content.decode())
    assert f"04:00{DASH}05:00 (America/New_York)" in public
    start = MONDAY_AFTER.astimezone(NEW_YORK).isoformat(timespec="minutes")
    assert (
        f'<time datetime="{start}">'
        in client.get(f"/tutoring/group-sessions/{session.pk}/").content.decode()
    )
    listed = shown(client.get("/tutoring/group-sessions/").content.decode())
    assert "04:00 America/New_York" in listed


def test_notifications_name_the_recipients_zone(berlin_teacher, new_york_learner) -> None:
    teacher = berlin_teacher.listing.user
    friday = _confirmed(berlin_teacher, new_york_learner, FRIDAY_BEFORE)
    monday = _confirmed(berlin_teacher, new_york_learner, MONDAY_AFTER)
    Notification.objects.all().delete()

    # Reminders, 15 minutes before each lesson.
    assert send_due_reminders(now=friday.start - timedelta(minutes=10)) == 1
    assert send_due_reminders(now=monday.start - timedelta(minutes=10)) == 1
    assert _bodies(teacher) == [
        "Spanish conversation starts at 10:00 (Europe/Berlin).",
        "Spanish conversation starts at 10:00 (Europe/Berlin).",
    ]
    assert _bodies(new_york_learner) == [
        "Spanish conversation starts at 05:00 (America/New_York).",
        "Spanish conversation starts at 04:00 (America/New_York).",
    ]
    Notification.objects.all().delete()

    # A cancellation: each side reads the date and time in their own zone.
    booking_services.cancel_booking(monday.pk, by=teacher, reason="Ill.")
    tasks.booking_cancelled(str(monday.pk))
    on = f"{MONDAY_AFTER:%Y-%m-%d}"
    assert _bodies(teacher) == [
        f"Spanish conversation on {on} 10:00 (Europe/Berlin) was cancelled. Ill."
    ]
    assert _bodies(new_york_learner) == [
        f"Spanish conversation on {on} 04:00 (America/New_York) was cancelled. Ill."
    ]
    Notification.objects.all().delete()

    # A time request: the teacher is asked in Berlin time, the learner answered in New York's.
    asked = request_services.request_time(
        learner=new_york_learner, gig=berlin_teacher, start=MONDAY_AFTER, minutes=60
    )
    tasks.time_request_changed(str(asked.pk))
    request_services.decline(asked.pk, by=teacher, note="Fully booked.")
    tasks.time_request_changed(str(asked.pk))
    name = new_york_learner.get_short_name()
    assert _bodies(teacher) == [
        f"{name} asks for Spanish conversation on {on} 10:00 (Europe/Berlin)."
    ]
    assert _bodies(new_york_learner) == [
        f"{teacher.get_short_name()} cannot teach on {on} 04:00 (America/New_York). Fully booked."
    ]
    assert TimeRequest.objects.get().start == MONDAY_AFTER.astimezone(UTC)


def test_group_session_cancellation_reaches_each_learner_in_their_zone(
    berlin_teacher, new_york_learner, other_student
) -> None:
    _set_zone(other_student, "Asia/Kolkata")
    teacher = berlin_teacher.listing.user
    session = session_services.publish(
        berlin_teacher,
        by=teacher,
        topic="Ostern",
        start=FRIDAY_BEFORE,
        minutes=60,
        price=Decimal("0"),
        seats=3,
    )
    tasks.group_session_cancelled(
        str(session.pk), [str(new_york_learner.pk), str(other_student.pk)], ""
    )
    on = f"{FRIDAY_BEFORE:%Y-%m-%d}"
    assert _bodies(new_york_learner) == [
        f"Ostern on {on} 05:00 (America/New_York) was cancelled by the teacher."
        " Any payment is refunded in full."
    ]
    assert _bodies(other_student) == [
        f"Ostern on {on} 14:30 (Asia/Kolkata) was cancelled by the teacher."
        " Any payment is refunded in full."
    ]
