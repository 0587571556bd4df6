"""Seats are never oversold: concurrent learners against real PostgreSQL, and run-out holds
give their seat back."""

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from tutoring.errors import SessionSoldOut
from tutoring.models import Booking, BookingStatus
from tutoring.services import bookings as booking_services
from tutoring.services import group_sessions

START = (datetime.now(tz=UTC) + timedelta(days=10)).replace(
    hour=18, minute=0, second=0, microsecond=0
)


def publish(listing, gig, seats: int):
    return group_sessions.publish(
        gig,
        by=listing.user,
        topic="Conversation circle",
        start=START,
        minutes=60,
        price=Decimal("10.00"),
        seats=seats,
    )


@pytest.mark.django_db(transaction=True)
def test_thirty_learners_racing_for_five_seats_get_exactly_five(
    make_listing, make_gig, user_factory
) -> None:
    listing = make_listing()
    session = publish(listing, make_gig(listing), seats=5)
    learners = [user_factory() for _ in range(30)]
    barrier = threading.Barrier(len(learners))
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def book(learner) -> None:  # type: ignore[no-untyped-def]
        client = APIClient()
        client.force_login(learner)
        try:
            barrier.wait(timeout=60)
            response = client.post(f"/api/v1/group-sessions/{session.pk}/book/")
            with lock:
                results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(learner,)) for learner in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    codes = sorted(code for code, _ in results)
    assert len(results) == 30
    assert codes.count(201) == 5
    assert codes.count(409) == 25
    assert {body["code"] for code, body in results if code == 409} == {"session_sold_out"}
    assert all(body["message"] for code, body in results if code == 409)
    held = Booking.objects.filter(group_session=session, status=BookingStatus.HELD)
    assert held.count() == 5
    assert len(set(held.values_list("learner_id", flat=True))) == 5
    session.refresh_from_db()
    assert (session.seats_taken, session.seats_left) == (5, 0)
    for alias in connections:
        connections[alias].close()


@pytest.mark.django_db
def test_a_run_out_hold_gives_its_seat_back(make_listing, make_gig, user_factory) -> None:
    listing = make_listing()
    session = publish(listing, make_gig(listing), seats=1)
    now = START - timedelta(days=2)
    first = group_sessions.book_seat(session, learner=user_factory(), now=now)
    with pytest.raises(SessionSoldOut):
        group_sessions.book_seat(session, learner=user_factory(), now=now + timedelta(minutes=1))
    # Ten minutes on (the default hold), the seat is free again for the next learner.
    second = group_sessions.book_seat(
        session, learner=user_factory(), now=now + timedelta(minutes=11)
    )
    first.refresh_from_db()
    assert first.status == BookingStatus.EXPIRED
    assert second.status == BookingStatus.HELD
    session.refresh_from_db()
    assert session.seats_taken == 1

    # The first learner's late payment finds the session sold out: refunded, not seated.
    late = booking_services.confirm_payment(
        first.pk, payment_reference="pay_late", now=now + timedelta(minutes=12)
    )
    assert late.status == BookingStatus.EXPIRED
    assert late.refunded_amount == Decimal("10.00")
    session.refresh_from_db()
    assert session.seats_taken == 1


@pytest.mark.django_db
def test_the_periodic_sweep_frees_seats_and_a_late_payment_retakes_a_free_one(
    make_listing, make_gig, user_factory
) -> None:
    listing = make_listing()
    session = publish(listing, make_gig(listing), seats=2)
    now = START - timedelta(days=2)
    seat = group_sessions.book_seat(session, learner=user_factory(), now=now)
    assert booking_services.expire_holds(now + timedelta(minutes=5)) == 0
    assert booking_services.expire_holds(now + timedelta(minutes=11)) == 1
    session.refresh_from_db()
    assert session.seats_taken == 0
    paid = booking_services.confirm_payment(
        seat.pk, payment_reference="pay_late", now=now + timedelta(minutes=12)
    )
    assert paid.status == BookingStatus.CONFIRMED
    assert paid.room_id == session.room_id
    session.refresh_from_db()
    assert session.seats_taken == 1
