"""Per-minute billing from attendance, completion, and reviews only after completion."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from tutoring import classroom
from tutoring.models import BookingStatus
from tutoring.selectors.slots import Interval
from tutoring.services import sessions

from credits.models import AccountKind
from credits.services import user_account, verify_balances

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


def test_per_minute_lesson_bills_the_minutes_both_were_present(
    paid_booking, make_listing, make_gig, monkeypatch
) -> None:
    listing = make_listing(booking_horizon_days=3660)
    gig = make_gig(listing, per_minute="0.50", durations={60: "0"})
    booking = paid_booking(start_in(10), gig=gig, listing=listing)
    assert booking.price == Decimal("30.00")  # the pre-authorised maximum
    s = booking.start
    m = timedelta(minutes=1)
    recorded = {
        str(booking.teacher_id): [Interval(s, s + 50 * m)],
        str(booking.learner_id): [
            Interval(s + 3 * m, s + 20 * m),
            Interval(s + 22 * m, s + 45 * m),
        ],
    }
    # The attendance the classroom recorded (the rooms app's records, read through this seam).
    monkeypatch.setattr(classroom, "attendance", lambda booking, until: recorded)
    done = sessions.finish_session(booking.pk, now=booking.end + timedelta(minutes=31))
    assert done.status == BookingStatus.COMPLETED
    assert done.billed_minutes == 40
    assert done.billed_amount == Decimal("20.00")
    assert done.refunded_amount == Decimal("10.00")
    earnings = user_account(listing.user, AccountKind.EARNINGS, "EUR")
    assert earnings.balance == Decimal("17.00")  # 20.00 less 15 %
    assert verify_balances() == []


def test_review_only_after_completion_once_and_aggregates_stay_right(
    api_client, paid_booking, student, monkeypatch
) -> None:
    booking = paid_booking(start_in(10))
    url = f"/api/v1/bookings/{booking.pk}/review/"
    early = api_client.post(url, {"rating": 5, "text": "Great"})
    assert early.status_code == 403
    assert early.json()["code"] == "review_not_allowed"

    s = booking.start
    both = [Interval(s, booking.end)]
    monkeypatch.setattr(
        classroom,
        "attendance",
        lambda b, until: {str(b.teacher_id): both, str(b.learner_id): both},
    )
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
