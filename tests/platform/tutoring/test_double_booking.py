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


@pytest.fixture
def deadlocks_on_insert():  # type: ignore[no-untyped-def]
    """``deadlocks_on_insert(n)``: the next ``n`` inserts into bookings fail the way
    PostgreSQL fails the loser of two overlapping inserts (SQLSTATE 40P01). A sequence
    counts them, since a rolled-back savepoint does not undo ``nextval``."""

    def arm(count: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("CREATE SEQUENCE test_booking_deadlocks")
            cursor.execute(
                f"""
                CREATE FUNCTION test_booking_deadlock() RETURNS trigger AS $$
                BEGIN
                    IF nextval('test_booking_deadlocks') <= {int(count)} THEN
                        RAISE EXCEPTION 'deadlock detected' USING ERRCODE = 'deadlock_detected';
                    END IF;
                    RETURN NEW;
                END $$ LANGUAGE plpgsql
                """
            )
            cursor.execute(
                "CREATE TRIGGER test_booking_deadlock BEFORE INSERT ON tutoring_booking"
                " FOR EACH ROW EXECUTE FUNCTION test_booking_deadlock()"
            )

    return arm  # the test's transaction is rolled back, and the trigger with it


@pytest.mark.django_db
def test_a_hold_aborted_as_a_deadlock_is_written_again(
    make_listing, make_gig, user_factory, deadlocks_on_insert
) -> None:
    """Two overlapping holds inserted at the same moment wait on each other in the
    exclusion check and PostgreSQL aborts one as a deadlock (seen under load in the test
    above: 500s instead of 409s). The aborted write is retried in a new savepoint."""
    learner = user_factory()
    gig = make_gig(make_listing())
    deadlocks_on_insert(2)
    client = APIClient()
    client.force_login(learner)
    response = client.post(
        "/api/v1/bookings/",
        {"gig": gig.pk, "start": START.isoformat(), "duration": 60},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Booking.objects.get().learner == learner
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_value FROM test_booking_deadlocks")
        assert cursor.fetchone()[0] == 3  # two aborted writes, then the one that went in


@pytest.mark.django_db
def test_a_write_that_keeps_deadlocking_is_not_retried_forever(
    make_listing, make_gig, user_factory, deadlocks_on_insert
) -> None:
    from django.db import OperationalError

    from core.db import DEADLOCK_RETRIES as OVERLAP_DEADLOCK_RETRIES
    from tutoring.services.bookings import hold_booking

    gig = make_gig(make_listing())
    deadlocks_on_insert(OVERLAP_DEADLOCK_RETRIES)
    with pytest.raises(OperationalError, match="deadlock"), transaction.atomic():
        hold_booking(learner=user_factory(), gig=gig, start=START, minutes=60)
    assert not Booking.objects.exists()
