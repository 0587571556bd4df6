"""Never oversell, decided by PostgreSQL under real concurrency: seats are counted under
locks on the intake rows, nights refused by the rooms' exclusion constraint."""

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from abroad import services
from abroad.errors import RoomTaken, SeatsTaken
from abroad.models import AbroadBooking, BookingStatus, RoomStay
from django.db import IntegrityError, connection, connections, transaction

from cms.abroad.testing import next_weekday


def race(count: int, attempt: Callable[[int], Any]) -> list[Any]:
    """Runs ``attempt(i)`` in ``count`` threads released at once; returns what each
    returned or raised."""
    barrier = threading.Barrier(count)
    results: list[Any] = []
    lock = threading.Lock()

    def run(number: int) -> None:
        try:
            barrier.wait(timeout=60)
            try:
                outcome: Any = attempt(number)
            except Exception as error:
                outcome = error
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for alias in connections:
        connections[alias].close()
    return results


@pytest.mark.django_db(transaction=True)
def test_thirty_learners_for_the_last_three_seats_get_exactly_three(
    django_db_serialized_rollback, make_course, user_factory, institution
) -> None:
    course = make_course(institution, seats=10)
    intake = course.intakes.get()
    early = [user_factory() for _ in range(7)]
    for learner in early:
        services.hold_booking(learner=learner, intake_id=intake.pk)
    learners = [user_factory() for _ in range(30)]

    results = race(30, lambda n: services.hold_booking(learner=learners[n], intake_id=intake.pk))

    booked = [r for r in results if isinstance(r, AbroadBooking)]
    refused = [r for r in results if isinstance(r, SeatsTaken)]
    assert len(results) == 30
    assert len(booked) == 3, [r for r in results if not isinstance(r, AbroadBooking)][:3]
    assert len(refused) == 27
    assert services.seats_taken(intake.pk) == 10
    assert AbroadBooking.objects.filter(intake=intake, status=BookingStatus.HELD).count() == 10


@pytest.mark.django_db(transaction=True)
def test_twenty_overlapping_stays_for_one_room_make_exactly_one(
    django_db_serialized_rollback, make_homestay, user_factory, homestay_owner
) -> None:
    homestay = make_homestay(homestay_owner)
    room = homestay.rooms.get()
    check_in = next_weekday(5)
    learners = [user_factory() for _ in range(20)]

    # Twenty different but overlapping ranges: every pair shares at least one night.
    def book(number: int) -> Any:
        start = check_in + timedelta(days=number % 3)
        return services.hold_booking(
            learner=learners[number],
            room_id=room.pk,
            check_in=start,
            check_out=start + timedelta(days=7 + number % 4),
        )

    results = race(20, book)

    booked = [r for r in results if isinstance(r, AbroadBooking)]
    assert len(booked) == 1, [r for r in results if not isinstance(r, AbroadBooking)][:3]
    assert sum(isinstance(r, RoomTaken) for r in results) == 19
    assert RoomStay.objects.filter(room=room, active=True).count() == 1
    assert AbroadBooking.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_package_whose_room_is_taken_fails_whole_and_leaves_the_seat_free(
    django_db_serialized_rollback,
    make_course,
    make_homestay,
    user_factory,
    institution,
    homestay_owner,
) -> None:
    course = make_course(institution, seats=1)
    intake = course.intakes.get()
    room = make_homestay(homestay_owner).rooms.get()
    check_in = intake.start_date - timedelta(days=1)
    first, second = user_factory(), user_factory()
    services.hold_booking(
        learner=first, room_id=room.pk, check_in=check_in, check_out=check_in + timedelta(days=8)
    )

    with pytest.raises(RoomTaken):
        services.hold_booking(
            learner=second,
            intake_id=intake.pk,
            room_id=room.pk,
            check_in=check_in,
            check_out=check_in + timedelta(days=8),
        )

    assert services.seats_taken(intake.pk) == 0
    assert not AbroadBooking.objects.filter(learner=second).exists()
    # The seat is really free: the last one can be booked alone.
    booking = services.hold_booking(learner=second, intake_id=intake.pk)
    assert booking.status == BookingStatus.HELD


@pytest.mark.django_db(transaction=True)
def test_concurrent_packages_for_one_room_and_one_seat_make_exactly_one(
    django_db_serialized_rollback,
    make_course,
    make_homestay,
    user_factory,
    institution,
    homestay_owner,
) -> None:
    """Packages race for a course with plenty of seats but one room: the losers' seats are
    rolled back with their stays."""
    course = make_course(institution, seats=50)
    intake = course.intakes.get()
    room = make_homestay(homestay_owner).rooms.get()
    check_in = intake.start_date - timedelta(days=1)
    learners = [user_factory() for _ in range(12)]

    results = race(
        12,
        lambda n: services.hold_booking(
            learner=learners[n],
            intake_id=intake.pk,
            room_id=room.pk,
            check_in=check_in,
            check_out=check_in + timedelta(days=8),
        ),
    )

    assert sum(isinstance(r, AbroadBooking) for r in results) == 1
    assert sum(isinstance(r, RoomTaken) for r in results) == 11
    assert services.seats_taken(intake.pk) == 1


@pytest.mark.django_db
def test_the_database_itself_refuses_overlapping_active_stays(
    make_homestay, homestay_owner
) -> None:
    room = make_homestay(homestay_owner).rooms.get()
    day = next_weekday(0)
    RoomStay.objects.create(room=room, check_in=day, check_out=day + timedelta(days=5))
    # Back to back is fine (half-open ranges), an inactive stay does not count…
    RoomStay.objects.create(
        room=room, check_in=day + timedelta(days=5), check_out=day + timedelta(days=6)
    )
    RoomStay.objects.create(
        room=room, check_in=day, check_out=day + timedelta(days=2), active=False
    )
    # …an overlapping active one is refused by PostgreSQL.
    with pytest.raises(IntegrityError), transaction.atomic():
        RoomStay.objects.create(
            room=room, check_in=day + timedelta(days=4), check_out=day + timedelta(days=9)
        )
