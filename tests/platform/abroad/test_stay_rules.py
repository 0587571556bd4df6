"""The rules left from the issue: the long-stay refund rule (fixed on the booking when it is
made) and bookings pinned to the source locale's intakes and rooms, so a translated page
never sells its quota a second time."""

from datetime import timedelta
from decimal import Decimal

import pytest
from abroad import selectors, services
from abroad.errors import SeatsTaken
from abroad.models import AbroadBooking, BookingStatus
from django.utils import timezone
from wagtail.models import Locale

from cms.abroad.models import CoursePage

pytestmark = pytest.mark.django_db


def paid_stay(make_homestay, owner, learner, nights: int, policy: str) -> AbroadBooking:  # type: ignore[no-untyped-def]
    room = make_homestay(owner, max_nights=120, cancellation_policy=policy).rooms.get()
    check_in = timezone.localdate() + timedelta(days=60)
    booking = services.hold_booking(
        learner=learner,
        room_id=room.pk,
        check_in=check_in,
        check_out=check_in + timedelta(days=nights),
    )
    AbroadBooking.objects.filter(pk=booking.pk).update(
        status=BookingStatus.PAID, amount_paid=booking.total
    )
    booking.refresh_from_db()
    return booking


def days_before(booking: AbroadBooking, days: int):  # type: ignore[no-untyped-def]
    return timezone.now() + (booking.arrival - timezone.localdate() - timedelta(days=days))


def test_a_long_stay_follows_the_long_stay_rule_whatever_the_listing_policy(
    make_homestay, homestay_owner, student, other_student, monkeypatch
) -> None:
    from abroad import tasks

    monkeypatch.setattr(tasks.refund_booking, "delay", lambda *args: None)
    long = paid_stay(make_homestay, homestay_owner, student, 90, "strict")
    assert long.long_stay and long.total == Decimal("3150.00")
    # Strict would refund half 35 days before; the long-stay rule refunds everything.
    cancelled = services.cancel_booking(long.pk, by=student, now=days_before(long, 35))
    assert cancelled.refunded_amount == Decimal("3150.00")

    later = paid_stay(make_homestay, homestay_owner, other_student, 90, "strict")
    cancelled = services.cancel_booking(later.pk, by=other_student, now=days_before(later, 10))
    # The first 30 of 90 days are kept: two thirds come back (strict would give nothing).
    assert cancelled.refunded_amount == Decimal("2100.00")


def test_a_short_stay_keeps_the_listing_policy(
    make_homestay, homestay_owner, student, monkeypatch
) -> None:
    from abroad import tasks

    monkeypatch.setattr(tasks.refund_booking, "delay", lambda *args: None)
    short = paid_stay(make_homestay, homestay_owner, student, 14, "strict")
    assert not short.long_stay
    cancelled = services.cancel_booking(short.pk, by=student, now=days_before(short, 35))
    assert cancelled.refunded_amount == Decimal("245.00")  # strict: half of 490


def test_bookings_on_a_translated_course_take_the_source_intakes_seats(
    make_course, institution, student, other_student
) -> None:
    course = make_course(institution, seats=1)
    spanish = Locale.objects.get(language_code="es")
    translated = course.copy_for_translation(spanish, copy_parents=True)
    translated.save_revision().publish()
    translated = CoursePage.objects.get(pk=translated.pk)
    copy = translated.intakes.get()
    source = course.intakes.get()
    assert copy.pk != source.pk and copy.start_date == source.start_date

    booking = services.hold_booking(learner=student, intake_id=copy.pk)
    assert booking.intake_id == source.pk and booking.course_id == course.pk
    with pytest.raises(SeatsTaken):
        services.hold_booking(learner=other_student, intake_id=source.pk)
    shown = selectors.intakes_with_seats().get(pk=copy.pk)
    assert selectors.seats_left(shown) == 0
