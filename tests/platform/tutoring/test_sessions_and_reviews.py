"""Per-minute billing from attendance, completion, and reviews only after completion."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from credits.models import AccountKind
from credits.services import user_account, verify_balances
from tutoring import classroom
from tutoring.models import BookingStatus
from tutoring.selectors.slots import Interval
from tutoring.services import sessions

pytestmark = pytest.mark.django_db


def start_in(days: int) -> datetime:
    return (datetime.now(tz=UTC) + timedelta(days=days)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )


def test_both_present_counts_only_the_overlap_of_their_visits() -> None:
    t0 = datetime(2026, 5, 4, 10, tzinfo=UTC)
    m = timedelta(minutes=1)
    teacher = [Interval(t0, t0 + 20 * m), Interval(t0 + 25 * m, t0 + 60 * m)]  # reconnect
    learner = [Interval(t0 + 5 * m, t0 + 50 * m), Interval(t0 + 40 * m, t0 + 45 * m)]
    assert classroom.both_present_seconds(teacher, learner) == (15 + 25) * 60
    window = Interval(t0, t0 + 30 * m)
    assert classroom.both_present_seconds(teacher, learner, within=window) == (15 + 5) * 60


def attend(booking, user, start, end) -> None:
    """What the rooms consumer records while someone's socket is in the lesson's room."""
    from rooms.models import Attendance

    Attendance.objects.create(
        room_id=booking.room_id, user=user, channel_name="test", joined_at=start, left_at=end
    )


def open_classroom(booking):
    """The classroom the confirmation task opens: the real rooms app's room."""
    from rooms.models import Member, Room

    sessions.open_meeting(booking)
    booking.refresh_from_db()
    room = Room.objects.get(pk=booking.room_id)
    assert room.kind == Room.Kind.CLASSROOM and room.host_id == booking.teacher_id
    assert set(room.members.values_list("user_id", "role")) == {
        (booking.teacher_id, Member.Role.TEACHER),
        (booking.learner_id, Member.Role.LEARNER),
    }
    return booking


def test_per_minute_lesson_bills_the_minutes_both_were_present(
    paid_booking, make_listing, make_gig
) -> None:
    listing = make_listing(booking_horizon_days=3660)
    gig = make_gig(listing, per_minute="0.50", durations={60: "0"})
    booking = paid_booking(start_in(10), gig=gig, listing=listing)
    assert booking.price == Decimal("30.00")  # the pre-authorised maximum
    booking = open_classroom(booking)
    s = booking.start
    m = timedelta(minutes=1)
    teacher, learner = booking.teacher.user, booking.learner
    attend(booking, teacher, s - 10 * m, s + 50 * m)  # early: the wait is not billed
    attend(booking, learner, s - 5 * m, s + 20 * m)
    attend(booking, learner, s + 22 * m, s + 45 * m)  # reconnected
    attend(booking, learner, s + 30 * m, s + 35 * m)  # a second tab, counted once
    done = sessions.finish_session(booking.pk, now=booking.end + timedelta(minutes=31))
    assert done.status == BookingStatus.COMPLETED
    # Together from the start to minute 20 and from 22 to 45: 43 minutes of the 60 authorised.
    assert done.billed_minutes == 43
    assert done.billed_amount == Decimal("21.50")
    assert done.refunded_amount == Decimal("8.50")
    earnings = user_account(listing.user, AccountKind.EARNINGS, "EUR")
    assert earnings.balance == Decimal("18.27")  # 21.50 less 15 % (3.23)
    assert verify_balances() == []


def test_review_only_after_completion_once_and_aggregates_stay_right(
    api_client, paid_booking, student
) -> None:
    booking = paid_booking(start_in(10))
    url = f"/api/v1/bookings/{booking.pk}/review/"
    early = api_client.post(url, {"rating": 5, "text": "Great"})
    assert early.status_code == 403
    assert early.json()["code"] == "review_not_allowed"

    booking = open_classroom(booking)
    attend(booking, booking.teacher.user, booking.start, booking.end)
    attend(booking, booking.learner, booking.start, booking.end)
    finished = sessions.finish_session(booking.pk, now=booking.end + timedelta(minutes=31))
    assert finished.status == BookingStatus.AWAITING_CONFIRMATION
    assert api_client.post(url, {"rating": 5}).status_code == 403
    assert api_client.post(f"/api/v1/bookings/{booking.pk}/confirm/").status_code == 200

    assert api_client.post(url, {"rating": 6}).status_code == 400
    created = api_client.post(url, {"rating": 4, "text": "Very good"})
    assert created.status_code == 201, created.json()
    again = api_client.post(url, {"rating": 1})
    assert again.status_code == 409
    assert again.json()["code"] == "already_reviewed"

    listing = booking.teacher
    listing.refresh_from_db()
    assert (listing.rating_count, listing.rating_average) == (1, Decimal("4.00"))
    assert listing.rating_distribution == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 0}

    api_client.force_login(listing.user)
    reply = f"/api/v1/reviews/{booking.pk}/reply/"
    assert api_client.post(reply, {"text": "Thank you!"}).status_code == 200
    assert api_client.post(reply, {"text": "Again"}).status_code == 409

    from tutoring.models import Review, ReviewStatus
    from tutoring.services.reviews import moderate

    moderate(Review.objects.get(pk=booking.pk), status=ReviewStatus.HIDDEN, note="spam")
    listing.refresh_from_db()
    assert (listing.rating_count, listing.rating_average) == (0, Decimal("0"))
    earnings = user_account(listing.user, AccountKind.EARNINGS, "EUR")
    assert earnings.balance == Decimal("25.50")
