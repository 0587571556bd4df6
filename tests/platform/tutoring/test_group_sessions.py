"""Group sessions through the API: publish, edit, browse and filter, book and pay a seat in
the one shared classroom, cancel a seat under the policy, cancel the session with refunds."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from credits.models import AccountKind
from credits.services import platform_account, user_account, verify_balances
from tutoring import tasks
from tutoring.models import BookingStatus, GroupSession

pytestmark = pytest.mark.django_db


def at(days: int, hour: int = 18) -> datetime:
    return (datetime.now(tz=UTC) + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def publish(api_client, make_listing, make_gig):
    def make(listing=None, gig=None, **fields):
        listing = listing or make_listing(booking_horizon_days=3660)
        gig = gig or make_gig(listing)
        body = {
            "gig": gig.pk,
            "topic": "Tapas vocabulary",
            "description": "Ordering food in Madrid.",
            "start": at(10).isoformat(),
            "minutes": 60,
            "price": "12.00",
            "seats": 5,
            **fields,
        }
        api_client.force_login(listing.user)
        response = api_client.post("/api/v1/group-sessions/", body, format="json")
        assert response.status_code == 201, response.json()
        return GroupSession.objects.get(pk=response.json()["id"])

    return make


def test_teacher_publishes_and_edits_a_session(api_client, publish, user_factory) -> None:
    session = publish(seats=3)
    assert (session.seats, session.seats_taken, session.price) == (3, 0, Decimal("12.00"))
    assert session.end - session.start == timedelta(minutes=60)
    url = f"/api/v1/group-sessions/{session.pk}/"
    later = at(11)
    changed = api_client.patch(
        url, {"topic": "Tapas II", "start": later.isoformat(), "price": "15.00"}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["topic"] == "Tapas II"
    assert changed.json()["price"] == "15.00"
    assert datetime.fromisoformat(changed.json()["start"]) == later
    # The room follows the session.
    from rooms.models import Room

    room = Room.objects.get(pk=session.room_id)
    assert (room.kind, room.capacity, room.starts_at) == (Room.Kind.CLASSROOM, 4, later)

    bad = api_client.patch(url, {"seats": 0}, format="json")
    assert bad.status_code == 400 and "seats" in bad.json()["fields"]
    # Another teacher can neither change nor cancel it, nor even see it as theirs.
    api_client.force_login(user_factory())
    assert api_client.patch(url, {"topic": "Mine"}, format="json").status_code == 404
    assert api_client.post(f"{url}cancel/", {}).status_code == 404


def test_only_the_gigs_teacher_publishes_and_not_over_their_own_lessons(
    api_client, make_listing, make_gig, student, publish
) -> None:
    listing = make_listing(booking_horizon_days=3660)
    gig = make_gig(listing)
    body = {
        "gig": gig.pk,
        "topic": "x",
        "start": at(10).isoformat(),
        "minutes": 60,
        "price": "5",
        "seats": 2,
    }
    api_client.force_login(student)
    refused = api_client.post("/api/v1/group-sessions/", body, format="json")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_allowed")
    publish(listing=listing, gig=gig)  # 10 days ahead at 18:00 for an hour
    api_client.force_login(listing.user)
    overlapping = {**body, "start": (at(10) + timedelta(minutes=30)).isoformat()}
    clash = api_client.post("/api/v1/group-sessions/", overlapping, format="json")
    assert (clash.status_code, clash.json()["code"]) == (409, "slot_unavailable")
    past = api_client.post(
        "/api/v1/group-sessions/",
        {**body, "start": (datetime.now(tz=UTC) - timedelta(hours=1)).isoformat()},
        format="json",
    )
    assert past.status_code == 400


def test_learners_browse_and_filter_with_a_pinned_query_count(
    api_client, publish, make_listing, make_gig, buy_seat, user_factory, assert_num_queries
) -> None:
    spanish = make_listing(booking_horizon_days=3660)
    french = make_listing(booking_horizon_days=3660, languages=[("fr", "A1", "C2")])
    es_gig = make_gig(spanish)
    fr_gig = make_gig(french, language="fr", title="French", category="chirologist")
    cheap = publish(listing=spanish, gig=es_gig, start=at(5).isoformat(), price="5.00", seats=1)
    publish(listing=spanish, gig=es_gig, start=at(6).isoformat(), price="20.00")
    publish(listing=french, gig=fr_gig, start=at(20).isoformat(), price="9.00")
    hidden = publish(listing=french, gig=fr_gig, start=at(21).isoformat())
    api_client.post(f"/api/v1/group-sessions/{hidden.pk}/cancel/", {})
    buy_seat(cheap, user_factory())  # its only seat

    api_client.logout()
    with assert_num_queries(2):  # count, page (teacher, user, gig and category joined)
        everything = api_client.get("/api/v1/group-sessions/")
    assert everything.status_code == 200
    assert everything.json()["count"] == 3  # the cancelled one is not listed
    first = everything.json()["results"][0]
    assert (first["topic"], first["seats_left"], first["language"]) == ("Tapas vocabulary", 0, "es")

    def ids(**query: str) -> list[str]:
        return [r["id"] for r in api_client.get("/api/v1/group-sessions/", query).json()["results"]]

    assert len(ids(language="fr")) == 1
    assert len(ids(category="chirologist")) == 1
    assert len(ids(teacher=str(spanish.pk))) == 2
    assert ids(max_price="6") == [str(cheap.pk)]
    assert len(ids(min_price="6")) == 2
    assert str(cheap.pk) not in ids(min_seats_left="1")
    assert len(ids(starts_after=at(6, 0).isoformat(), starts_before=at(19, 0).isoformat())) == 1
    assert api_client.get("/api/v1/group-sessions/", {"page_size": 1}).json()["next"]
    bad = api_client.get("/api/v1/group-sessions/", {"starts_after": "soon"})
    assert bad.status_code == 400


def test_paid_seats_share_the_sessions_one_classroom(publish, buy_seat, user_factory) -> None:
    from rooms.models import Member, Room

    session = publish(seats=3)
    learners = [user_factory() for _ in range(2)]
    seats = [buy_seat(session, learner) for learner in learners]
    assert {seat.status for seat in seats} == {BookingStatus.CONFIRMED}
    assert {seat.room_id for seat in seats} == {session.room_id}
    session.refresh_from_db()
    assert session.seats_taken == 2
    rooms = Room.objects.filter(host=session.teacher.user, kind=Room.Kind.CLASSROOM)
    assert rooms.count() == 1
    # The confirmation task opens no second room for a seat.
    for seat in seats:
        tasks.booking_confirmed(str(seat.pk))
    assert rooms.count() == 1
    members = set(Member.objects.filter(room_id=session.room_id).values_list("user_id", "state"))
    assert members == {
        (session.teacher_id, Member.State.ADMITTED),
        *((learner.pk, Member.State.ADMITTED) for learner in learners),
    }
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("24.00")


def test_a_learner_cancels_their_seat_under_the_policy(
    api_client, publish, buy_seat, student, providers
) -> None:
    session = publish(seats=1)
    seat = buy_seat(session, student)
    response = api_client.post(f"/api/v1/bookings/{seat.pk}/cancel/", {"reason": "busy"})
    assert response.status_code == 200, response.json()
    assert response.json()["refunded_amount"] == "12.00"  # free until 24 h before
    tasks.refund_booking(str(seat.pk), "12.00", "cancelled")
    assert providers.requests[-1][2]["amount"] == "1200"
    session.refresh_from_db()
    assert session.seats_taken == 0
    from rooms.models import Member

    assert not Member.objects.filter(room_id=session.room_id, user=student).exists()
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("0.00")
    assert verify_balances() == []


def test_cancelling_the_session_refunds_every_paid_seat_and_tells_the_learners(
    api_client, publish, buy_seat, user_factory, providers
) -> None:
    from notifications.models import Notification
    from payments.models import Payment

    session = publish(seats=4)
    payers = [user_factory() for _ in range(2)]
    paid = [buy_seat(session, learner) for learner in payers]
    holder = user_factory()
    held = buy_seat(session, holder, pay=False)
    outsider = user_factory()

    api_client.force_login(session.teacher.user)
    response = api_client.post(
        f"/api/v1/group-sessions/{session.pk}/cancel/", {"reason": "I am ill."}
    )
    assert response.status_code == 200, response.json()
    assert response.json()["cancelled"] is True
    for seat in paid:
        seat.refresh_from_db()
        assert (seat.status, seat.refunded_amount) == (BookingStatus.CANCELLED, Decimal("12.00"))
        tasks.refund_booking(str(seat.pk), "12.00", "session cancelled")  # enqueued on commit
    held.refresh_from_db()
    assert (held.status, held.refunded_amount) == (BookingStatus.CANCELLED, Decimal("0"))
    refunds = [r for r in providers.requests if r[1] == "/v1/refunds"]
    assert [r[2]["amount"] for r in refunds] == ["1200", "1200"]
    assert Payment.objects.filter(amount_refunded=Decimal("12.00")).count() == 2
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("0.00")
    assert verify_balances() == []
    # The teacher earns nothing from a session they cancelled.
    assert user_account(session.teacher.user, AccountKind.EARNINGS, "EUR").balance == 0

    tasks.group_session_cancelled(str(session.pk), [str(b.learner_id) for b in [*paid, held]], "")
    told = set(
        Notification.objects.filter(type="tutoring.booking_cancelled").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {*(p.pk for p in payers), holder.pk}
    assert outsider.pk not in told
    # Nobody can take a seat any more, and the room is closed.
    api_client.force_login(outsider)
    assert api_client.post(f"/api/v1/group-sessions/{session.pk}/book/").status_code == 404
    from rooms.models import Room

    assert Room.objects.get(pk=session.room_id).ended_at is not None
    again = api_client.post(f"/api/v1/group-sessions/{session.pk}/cancel/", {})
    assert again.status_code == 404


def test_a_seat_paid_after_the_session_was_cancelled_is_refunded(
    api_client, publish, buy_seat, student, providers, client
) -> None:
    from payments.models import Payment
    from payments.testing import deliver_payment_succeeded

    session = publish(seats=2)
    seat = buy_seat(session, student, pay=False)
    checkout = api_client.post(f"/api/v1/bookings/{seat.pk}/pay/", {"provider": "stripe"})
    api_client.force_login(session.teacher.user)
    api_client.post(f"/api/v1/group-sessions/{session.pk}/cancel/", {})
    payment = Payment.objects.get(pk=checkout.json()["payment_id"])
    deliver_payment_succeeded(providers, payment, client)
    seat.refresh_from_db()
    assert seat.status == BookingStatus.CANCELLED
    assert seat.paid_at is not None and seat.refunded_amount == Decimal("12.00")


def test_price_and_time_are_fixed_once_a_seat_is_taken(
    api_client, publish, buy_seat, student
) -> None:
    session = publish(seats=2)
    buy_seat(session, student, pay=False)
    api_client.force_login(session.teacher.user)
    url = f"/api/v1/group-sessions/{session.pk}/"
    refused = api_client.patch(url, {"price": "1.00"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "invalid_booking_state")
    fewer = api_client.patch(url, {"seats": 1}, format="json")
    assert fewer.status_code == 200 and fewer.json()["seats_left"] == 0
    too_few = api_client.patch(url, {"seats": 0}, format="json")
    assert too_few.status_code == 400


def test_the_teacher_cannot_book_their_own_session_nor_a_learner_twice(
    api_client, publish, student
) -> None:
    session = publish()
    own = api_client.post(f"/api/v1/group-sessions/{session.pk}/book/")
    assert (own.status_code, own.json()["code"]) == (403, "not_allowed")
    api_client.force_login(student)
    assert api_client.post(f"/api/v1/group-sessions/{session.pk}/book/").status_code == 201
    twice = api_client.post(f"/api/v1/group-sessions/{session.pk}/book/")
    assert (twice.status_code, twice.json()["code"]) == (409, "learner_busy")
    assert api_client.post("/api/v1/group-sessions/not-a-session/book/").status_code == 404


def test_attendance_is_per_learner_in_the_shared_room(publish, buy_seat, user_factory) -> None:
    """One room, but each seat is settled from its own learner's presence with the teacher."""
    from rooms.models import Attendance
    from tutoring.models import TutoringSettings
    from tutoring.services import sessions

    session = publish(seats=3)
    came, absent = user_factory(), user_factory()
    seat_came, seat_absent = buy_seat(session, came), buy_seat(session, absent)
    teacher = session.teacher.user
    for user in (teacher, came):  # what the room's consumer records while their socket is in
        Attendance.objects.create(
            room_id=session.room_id,
            user=user,
            channel_name="test",
            joined_at=session.start,
            left_at=session.end,
        )
    assert sessions.settle_due_sessions(now=session.end + timedelta(minutes=31)) == 2
    seat_came.refresh_from_db()
    seat_absent.refresh_from_db()
    assert seat_came.status == BookingStatus.AWAITING_CONFIRMATION
    assert seat_came.billed_minutes == 60
    assert seat_absent.status == BookingStatus.NO_SHOW
    percent = TutoringSettings.load().learner_no_show_refund_percent
    assert seat_absent.refunded_amount == (Decimal("12.00") * percent / 100).quantize(
        Decimal("0.01")
    )
    assert verify_balances() == []


def test_a_teacher_lists_their_own_sessions_with_rooms_and_the_public_does_not_see_them(
    api_client, publish, make_listing, make_gig, assert_num_queries
) -> None:
    listing = make_listing(booking_horizon_days=3660)
    gig = make_gig(listing)
    for day in (5, 6, 7):
        publish(listing=listing, gig=gig, start=at(day).isoformat())
    cancelled = GroupSession.objects.order_by("start").last()
    api_client.post(f"/api/v1/group-sessions/{cancelled.pk}/cancel/", {})
    with assert_num_queries(5):  # session, user, verified email, count, page
        mine = api_client.get("/api/v1/group-sessions/", {"mine": "1"})
    assert mine.json()["count"] == 3  # the cancelled one too
    assert all(row["room_id"] for row in mine.json()["results"])
    api_client.logout()
    public = api_client.get("/api/v1/group-sessions/").json()
    assert public["count"] == 2
    assert "room_id" not in public["results"][0]
    assert api_client.get("/api/v1/group-sessions/", {"mine": "1"}).status_code in (401, 403)
