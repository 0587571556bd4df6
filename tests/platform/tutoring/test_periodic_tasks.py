"""The periodic jobs: scheduled by migration rows, and what each one does when it runs."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from credits.models import AccountKind
from credits.services import user_account
from notifications.models import Notification
from toto.celery import app
from tutoring import tasks
from tutoring.models import BookingStatus
from tutoring.services import bookings as booking_services
from tutoring.services import sessions

pytestmark = pytest.mark.django_db


def _start(hours: float):  # type: ignore[no-untyped-def]
    start = timezone.now() + timedelta(hours=hours)
    return start.replace(minute=0 if start.minute < 30 else 30, second=0, microsecond=0)


def _confirmed(make_listing, make_gig, student, start, **gig_fields):  # type: ignore[no-untyped-def]
    listing = make_listing()
    gig = make_gig(listing, **gig_fields)
    booking = booking_services.hold_booking(
        learner=student, gig=gig, start=start, minutes=60, check_availability=False
    )
    return booking_services.confirm_payment(booking.pk, payment_reference="test")


def test_every_periodic_job_has_a_beat_row_naming_a_registered_task() -> None:
    rows = dict(
        PeriodicTask.objects.filter(name__startswith="Tutoring:").values_list(
            "task", "interval__every"
        )
    )
    assert rows == {
        "tutoring.expire_holds": 1,
        "tutoring.send_due_reminders": 1,
        "tutoring.settle_sessions": 5,
        "tutoring.expire_time_requests": 5,
        "tutoring.expire_packages": 60,
    }
    app.loader.import_default_modules()
    assert set(rows) <= set(app.tasks)


def test_expired_holds_are_released(make_listing, make_gig, student) -> None:
    listing = make_listing()
    gig = make_gig(listing)
    booking = booking_services.hold_booking(
        learner=student,
        gig=gig,
        start=_start(30),
        minutes=60,
        check_availability=False,
        hold_for=timedelta(minutes=-1),
    )
    fresh = booking_services.hold_booking(
        learner=student, gig=gig, start=_start(60), minutes=60, check_availability=False
    )
    assert tasks.expire_holds() == 1
    booking.refresh_from_db()
    fresh.refresh_from_db()
    assert (booking.status, fresh.status) == (BookingStatus.EXPIRED, BookingStatus.HELD)
    assert booking.events.last().note == "hold ran out"


def test_reminders_go_out_once_24_hours_and_15_minutes_before(
    make_listing, make_gig, student
) -> None:
    tomorrow = _confirmed(make_listing, make_gig, student, _start(20))
    assert tasks.send_due_reminders() == 1
    assert tasks.send_due_reminders() == 0  # claimed: never twice
    reminders = Notification.objects.filter(type="tutoring.reminder")
    assert {n.recipient_id for n in reminders} == {student.pk, tomorrow.teacher_id}
    tomorrow.refresh_from_db()
    assert tomorrow.reminder_24h_sent_at is not None and tomorrow.reminder_15m_sent_at is None
    # Fifteen minutes before, the second reminder.
    later = tomorrow.start - timedelta(minutes=10)
    from tutoring.services.reminders import send_due_reminders

    assert send_due_reminders(now=later) == 1
    assert Notification.objects.filter(type="tutoring.reminder").count() == 4


def test_finished_lessons_are_settled_and_completed_without_a_dispute(
    make_listing, make_gig, student
) -> None:
    from rooms.models import Attendance

    booking = _confirmed(make_listing, make_gig, student, _start(2))
    sessions.open_meeting(booking)
    booking.refresh_from_db()
    for user in (booking.teacher.user, student):
        Attendance.objects.create(
            room_id=booking.room_id,
            user=user,
            channel_name="x",
            joined_at=booking.start,
            left_at=booking.end,
        )
    assert sessions.settle_due_sessions(now=booking.end + timedelta(minutes=10)) == 0  # grace
    assert sessions.settle_due_sessions(now=booking.end + timedelta(minutes=31)) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.AWAITING_CONFIRMATION
    earnings = user_account(booking.teacher.user, AccountKind.EARNINGS, "EUR")
    assert earnings.balance == 0
    # After the no-dispute period (48 h by default) the teacher is paid automatically.
    assert sessions.settle_due_sessions(now=booking.end + timedelta(hours=49)) == 1
    booking.refresh_from_db()
    earnings.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED
    assert earnings.balance == Decimal("25.50")  # 30.00 less 15 %
    assert booking.events.last().note == "automatically"
