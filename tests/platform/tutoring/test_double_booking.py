"""No double booking, ever: PostgreSQL's exclusion constraint decides between concurrent
requests for one slot."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, connections, transaction
from rest_framework.test import APIClient

from tutoring.models import Booking, BookingStatus

# Ten days ahead at 10:00 UTC: inside the default horizon, within 09:00-17:00 UTC hours.
START = (datetime.now(tz=UTC) + timedelta(days=10)).replace(
    hour=10, minute=0, second=0, microsecond=0
)


@pytest.mark.django_db(transaction=True)
def test_hundred_concurrent_requests_for_one_slot_make_exactly_one_booking(
    make_listing, make_gig, user_factory
) -> None:
    listing = make_listing()
    gig = make_gig(listing)
    learners = [user_factory() for _ in range(100)]
    barrier = threading.Barrier(len(learners))
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def book(learner) -> None:  # type: ignore[no-untyped-def]
        client = APIClient()
        client.force_login(learner)
        try:
            barrier.wait(timeout=60)
            response = client.post(
                "/api/v1/bookings/",
                {"gig": gig.pk, "start": START.isoformat(), "duration": 60},
                format="json",
            )
            with lock:
                results.append((response.status_code, response.json()))
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=book, args=(learner,)) for learner in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = sorted(code for code, _ in results)
    assert len(results) == 100
    assert statuses.count(201) == 1
    assert statuses.count(409) == 99
    assert {body["code"] for code, body in results if code == 409} == {"slot_taken"}
    assert all(body["message"] for code, body in results if code == 409)
    assert Booking.objects.filter(teacher=listing).count() == 1
    assert Booking.objects.get(teacher=listing).status == BookingStatus.HELD
    for alias in connections:
        connections[alias].close()


@pytest.mark.django_db
def test_the_database_itself_refuses_an_overlapping_active_booking(
    make_listing, make_gig, user_factory
) -> None:
    """Even a write that skips the services cannot overlap (buffers included)."""
    listing = make_listing(buffer_after_minutes=15)
    gig = make_gig(listing)
    fields = {
        "teacher": listing,
        "gig": gig,
        "currency": "EUR",
        "price": 30,
        "status": BookingStatus.CONFIRMED,
    }
    Booking.objects.create(
        learner=user_factory(),
        start=START,
        end=START + timedelta(hours=1),
        blocked_start=START,
        blocked_end=START + timedelta(minutes=75),
        **fields,
    )
    later = START + timedelta(minutes=70)
    with (
        pytest.raises(IntegrityError, match="tutoring_booking_no_teacher_overlap"),
        transaction.atomic(),
    ):
        Booking.objects.create(
            learner=user_factory(),
            start=later,
            end=later + timedelta(hours=1),
            blocked_start=later,
            blocked_end=later + timedelta(minutes=75),
            **fields,
        )
    # A cancelled booking frees its time.
    Booking.objects.update(status=BookingStatus.CANCELLED)
    Booking.objects.create(
        learner=user_factory(),
        start=later,
        end=later + timedelta(hours=1),
        blocked_start=later,
        blocked_end=later + timedelta(minutes=75),
        **fields,
    )


@pytest.mark.django_db
def test_an_expired_hold_no_longer_blocks_the_slot(make_listing, make_gig, user_factory) -> None:
    from tutoring.services.bookings import hold_booking

    listing = make_listing()
    gig = make_gig(listing)
    now = START - timedelta(days=2)
    first = hold_booking(learner=user_factory(), gig=gig, start=START, minutes=60, now=now)
    second = hold_booking(
        learner=user_factory(), gig=gig, start=START, minutes=60, now=now + timedelta(minutes=11)
    )
    first.refresh_from_db()
    assert first.status == BookingStatus.EXPIRED
    assert second.status == BookingStatus.HELD
    assert [e.to_status for e in first.events.all()] == ["held", "expired"]
