"""The apps that announce what people do through their services: the marketplace journey,
payments and refunds, sign-up. Each announcement lands in analytics' event table."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from analytics.models import ActivityEvent

pytestmark = pytest.mark.django_db


def kinds() -> list[str]:
    return list(ActivityEvent.objects.order_by("id").values_list("kind", flat=True))


def test_a_tutoring_lesson_from_payment_to_review(
    api_client, paid_booking, student, django_capture_on_commit_callbacks
) -> None:
    from rooms.models import Attendance
    from tutoring.services import sessions

    start = (datetime.now(tz=UTC) + timedelta(days=10)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    with django_capture_on_commit_callbacks(execute=True):
        booking = paid_booking(start)
    assert sorted(kinds()) == ["payments.paid", "tutoring.booking_confirmed"]
    paid = ActivityEvent.objects.get(kind="payments.paid")
    assert (paid.user, paid.detail, paid.data["currency"]) == (
        student,
        "tutoring_booking",
        booking.currency,
    )
    confirmed = ActivityEvent.objects.get(kind="tutoring.booking_confirmed")
    assert confirmed.data == {"booking_id": str(booking.pk), "teacher_id": str(booking.teacher_id)}

    sessions.open_meeting(booking)
    booking.refresh_from_db()
    for user in (booking.teacher.user, booking.learner):
        Attendance.objects.create(
            room_id=booking.room_id,
            user=user,
            channel_name="t",
            joined_at=booking.start,
            left_at=booking.end,
        )
    with django_capture_on_commit_callbacks(execute=True):
        sessions.finish_session(booking.pk, now=booking.end + timedelta(minutes=31))
        api_client.post(f"/api/v1/bookings/{booking.pk}/confirm/")
        api_client.post(f"/api/v1/bookings/{booking.pk}/review/", {"rating": 4})
    attended = ActivityEvent.objects.get(kind="tutoring.lesson_attended")
    assert attended.user == student and attended.data["minutes"] == 60
    review = ActivityEvent.objects.get(kind="tutoring.review_left")
    assert (review.detail, review.value) == ("4", Decimal("4"))


def test_a_payment_and_its_refund(
    student, package, pay_for_credits, django_capture_on_commit_callbacks
) -> None:
    from payments.services import refund_payment

    with django_capture_on_commit_callbacks(execute=True):
        payment = pay_for_credits(student)
        refund_payment(payment, amount=Decimal("4.00"), reason="x", idempotency_key="r1")
    assert kinds() == ["payments.paid", "payments.refunded"]
    refunded = ActivityEvent.objects.get(kind="payments.refunded")
    assert refunded.data == {"payment_id": str(payment.pk), "amount_minor": 400, "currency": "USD"}
    assert refunded.user == student


def test_signing_up_announces_the_role(user_factory, django_capture_on_commit_callbacks) -> None:
    from accounts.roles import Role
    from accounts.services import complete_signup

    person = user_factory()
    with django_capture_on_commit_callbacks(execute=True):
        complete_signup(person, role=Role.TEACHER, full_name="Tea Cher")
    event = ActivityEvent.objects.get()
    assert (event.user, event.kind, event.detail) == (person, "accounts.signed_up", "teacher")
