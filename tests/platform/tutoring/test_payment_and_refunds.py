"""Paying for a held booking confirms it; cancelling refunds by policy through the ledger."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from credits.models import AccountKind
from credits.services import platform_account, user_account, verify_balances
from tutoring import tasks
from tutoring.models import BookingStatus

pytestmark = pytest.mark.django_db


def lesson_start(days: float) -> datetime:
    moment = datetime.now(tz=UTC) + timedelta(days=days)
    return moment.replace(hour=10, minute=0, second=0, microsecond=0)


def test_paying_confirms_the_booking_and_holds_the_money(paid_booking) -> None:
    booking = paid_booking(lesson_start(10))
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.paid_at is not None
    assert [e.to_status for e in booking.events.all()] == ["held", "confirmed"]
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("30.00")
    assert verify_balances() == []


def test_free_cancellation_refunds_everything(api_client, paid_booking, providers) -> None:
    booking = paid_booking(lesson_start(10))
    response = api_client.post(f"/api/v1/bookings/{booking.pk}/cancel/", {"reason": "ill"})
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "cancelled"
    assert response.json()["refunded_amount"] == "30.00"
    tasks.refund_booking(str(booking.pk), "30.00", "cancelled")  # the task the commit enqueued
    method, path, sent = providers.requests[-1]
    assert (method, path, sent["amount"]) == ("POST", "/v1/refunds", "3000")
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("0.00")
    assert verify_balances() == []


def test_late_cancellation_refunds_half_and_pays_the_teacher_the_rest(
    api_client, paid_booking, providers, make_listing
) -> None:
    all_day = [(day, time(0), time(23, 59)) for day in range(7)]
    soon = (datetime.now(tz=UTC) + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0)
    if soon.hour > 21:  # keep the lesson inside one day's hours
        soon = soon.replace(hour=1) + timedelta(days=1)
    booking = paid_booking(soon, listing=make_listing(hours=all_day))
    assert booking.start - datetime.now(tz=UTC) < timedelta(hours=24)
    response = api_client.post(f"/api/v1/bookings/{booking.pk}/cancel/", {})
    assert response.status_code == 200, response.json()
    assert response.json()["refunded_amount"] == "15.00"
    tasks.refund_booking(str(booking.pk), "15.00", "cancelled")
    assert providers.requests[-1][2]["amount"] == "1500"
    earnings = user_account(booking.teacher.user, AccountKind.EARNINGS, "EUR")
    assert earnings.balance == Decimal("12.75")  # 15.00 less the 15 % commission
    assert platform_account(AccountKind.COMMISSIONS, "EUR").balance == Decimal("2.25")
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("0.00")
    assert verify_balances() == []


def test_someone_else_cannot_cancel(api_client, paid_booking, other_student) -> None:
    booking = paid_booking(lesson_start(10))
    api_client.force_login(other_student)
    assert api_client.post(f"/api/v1/bookings/{booking.pk}/cancel/", {}).status_code == 404
    assert api_client.get(f"/api/v1/bookings/{booking.pk}/").status_code == 404


def test_reschedule_moves_the_lesson_while_free_to_cancel(api_client, paid_booking) -> None:
    booking = paid_booking(lesson_start(10))
    new_start = booking.start + timedelta(days=1)
    response = api_client.post(
        f"/api/v1/bookings/{booking.pk}/reschedule/", {"start": new_start.isoformat()}
    )
    assert response.status_code == 200, response.json()
    booking.refresh_from_db()
    assert booking.start == new_start
    assert booking.events.last().note.startswith("rescheduled from")


def test_booking_list_has_a_pinned_query_count(
    api_client, make_listing, make_gig, student, user_factory, assert_num_queries
) -> None:
    from tutoring.services.bookings import hold_booking

    listing = make_listing(booking_horizon_days=3660)
    gig = make_gig(listing)
    for day in range(1, 4):
        hold_booking(learner=student, gig=gig, start=lesson_start(day + 5), minutes=60)
    api_client.force_login(student)
    with assert_num_queries(4):  # session, user, count, page (teacher, learner, gig joined)
        response = api_client.get("/api/v1/bookings/", {"tz": "Asia/Kolkata"})
    assert response.json()["count"] == 3
    assert response.json()["results"][0]["start_local"].endswith("+05:30")
    api_client.force_login(listing.user)
    assert api_client.get("/api/v1/bookings/", {"as": "teacher"}).json()["count"] == 3
    api_client.force_login(user_factory())
    assert api_client.get("/api/v1/bookings/").json()["count"] == 0
