"""Deleting an account while money is in flight, through ``DELETE /api/v1/users/me/``.

A learner's upcoming lessons and seats are cancelled and refunded in full, the teacher told;
a teacher's upcoming lessons and sessions are cancelled, every learner refunded in full and
told; held bookings are released; past lessons stay as they were. Refunds leave through the
same after-commit Celery task as any cancellation, and Stripe (the payments app's fake on
127.0.0.1) receives them. Money still owed to the person (a pending bank-transfer payout,
earnings not yet asked for) refuses the deletion with 409 and says when it will work."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from accounts.testing import queries_to_delete_account
from credits.models import AccountKind
from credits.services import platform_account, user_account, verify_balances
from payments.models import Payment, Refund, RefundStatus
from tutoring import tasks
from tutoring.models import Booking, BookingStatus, GroupSession

pytestmark = pytest.mark.django_db


def at(days: float, hour: int = 10) -> datetime:
    return (datetime.now(tz=UTC) + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    """The tutoring tasks the deletion queues after its commit (no worker here: each test
    then runs the queued tasks itself, as the existing cancellation tests do)."""
    queued: list[tuple[str, tuple[Any, ...]]] = []
    for task in (tasks.refund_booking, tasks.booking_cancelled, tasks.group_session_cancelled):
        monkeypatch.setattr(
            task, "delay", lambda *args, name=task.name: queued.append((name, args))
        )
    return queued


def run(queued: list[tuple[str, tuple[Any, ...]]]) -> None:
    by_name = {
        task.name: task
        for task in (tasks.refund_booking, tasks.booking_cancelled, tasks.group_session_cancelled)
    }
    for name, args in queued:
        by_name[name](*args)


def named(queued: list[tuple[str, tuple[Any, ...]]], task: Any) -> list[tuple[Any, ...]]:
    return [args for name, args in queued if name == task.name]


def delete_account(user: User, capture: Callable[..., Any]) -> Any:
    client = APIClient()
    client.force_login(user)
    with capture(execute=True):
        return client.delete("/api/v1/users/me/")


def publish(listing: Any, gig: Any, *, days: int = 12, seats: int = 5) -> GroupSession:
    from tutoring.services.group_sessions import publish as publish_session

    return publish_session(
        gig,
        by=listing.user,
        topic="Tapas vocabulary",
        start=at(days, hour=18),
        minutes=60,
        price=Decimal("12.00"),
        seats=seats,
    )


def make_past(booking: Booking, days_ago: int, status: str = BookingStatus.COMPLETED) -> None:
    """Moves a paid lesson into the past as delivered (the settlement is not under test)."""
    start = at(-days_ago)
    Booking.objects.filter(pk=booking.pk).update(
        start=start,
        end=start + timedelta(minutes=60),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=60),
        status=status,
    )


def stripe_refunds(providers: Any) -> list[str]:
    return [sent["amount"] for method, path, sent in providers.requests if path == "/v1/refunds"]


def notified(kind: str = "tutoring.booking_cancelled") -> dict[Any, list[str]]:
    from notifications.models import Notification

    told: dict[Any, list[str]] = {}
    for recipient, body in Notification.objects.filter(type=kind).values_list(
        "recipient_id", "body"
    ):
        told.setdefault(recipient, []).append(body)
    return told


def test_a_learner_leaving_gets_every_upcoming_lesson_refunded_in_full_and_teachers_told(
    student,
    paid_booking,
    make_listing,
    make_gig,
    buy_seat,
    providers,
    enqueued,
    django_capture_on_commit_callbacks,
) -> None:
    from tutoring.services.bookings import hold_booking

    every_hour = [(day, datetime.min.time(), datetime.max.time()) for day in range(7)]
    soon = paid_booking(  # 3 hours away: a learner's own cancellation would get half back
        (datetime.now(tz=UTC) + timedelta(hours=3)).replace(minute=0, second=0, microsecond=0),
        listing=make_listing(hours=every_hour, booking_horizon_days=3660),
    )
    later = paid_booking(at(10))
    past = paid_booking(at(20))
    make_past(past, days_ago=5)
    group_listing = make_listing(booking_horizon_days=3660)
    session = publish(group_listing, make_gig(group_listing))
    seat = buy_seat(session, student)
    unpaid = hold_booking(learner=student, gig=later.gig, start=at(11), minutes=60)
    revenue = platform_account(AccountKind.REVENUE, "EUR")
    assert revenue.balance == Decimal("102.00")  # three lessons at 30, a seat at 12

    response = delete_account(student, django_capture_on_commit_callbacks)

    assert response.status_code == 204
    for booking, refunded in ((soon, "30.00"), (later, "30.00"), (seat, "12.00")):
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED
        assert booking.refunded_amount == Decimal(refunded)  # in full, however late
        assert booking.cancellation_reason == "The learner has closed their account."
    unpaid.refresh_from_db()
    assert (unpaid.status, unpaid.refunded_amount) == (BookingStatus.CANCELLED, Decimal("0"))
    past.refresh_from_db()
    assert (past.status, past.refunded_amount) == (BookingStatus.COMPLETED, Decimal("0"))
    session.refresh_from_db()
    assert session.seats_taken == 0  # the seat is on sale again

    # The refunds were queued after the commit, as for any cancellation, and reach Stripe.
    assert sorted(named(enqueued, tasks.refund_booking)) == sorted(
        [
            (str(soon.pk), "30.00", "cancelled"),
            (str(later.pk), "30.00", "cancelled"),
            (str(seat.pk), "12.00", "cancelled"),
        ]
    )
    assert stripe_refunds(providers) == []
    run(enqueued)
    assert sorted(stripe_refunds(providers)) == ["1200", "3000", "3000"]
    assert Refund.objects.filter(status=RefundStatus.SUCCEEDED).count() == 3
    assert Payment.objects.get(item__booking=str(past.pk)).amount_refunded == 0
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("30.00")  # the past
    assert verify_balances() == []

    # Each teacher is told why; the deleted learner is told nothing.
    told = notified()
    # Three teachers: the lessons' (the released hold is with ``later``'s) and the session's.
    assert set(told) == {soon.teacher_id, later.teacher_id, session.teacher_id}
    assert past.teacher_id not in told
    assert all(
        body.endswith("was cancelled. The learner has closed their account.")
        for bodies in told.values()
        for body in bodies
    )
    assert len(told[later.teacher_id]) == 2  # the paid lesson and the released hold
    assert student.pk not in told


def test_a_teacher_leaving_cancels_every_upcoming_lesson_and_session_and_refunds_everyone(
    student,
    other_student,
    user_factory,
    paid_booking,
    make_listing,
    make_gig,
    buy_seat,
    providers,
    enqueued,
    django_capture_on_commit_callbacks,
) -> None:
    from rooms.models import Room
    from tutoring.services.bookings import hold_booking

    listing = make_listing(booking_horizon_days=3660)
    gig = make_gig(listing)
    teacher = listing.user
    lesson = paid_booking(at(10), listing=listing, gig=gig)
    second = paid_booking(at(11), listing=listing, gig=gig, learner=other_student)
    past = paid_booking(at(20), listing=listing, gig=gig)
    make_past(past, days_ago=3)
    session = publish(listing, gig)
    seat_learners = [user_factory() for _ in range(2)]
    seats = [buy_seat(session, learner) for learner in seat_learners]
    holder = user_factory()
    held_seat = buy_seat(session, holder, pay=False)
    hold = hold_booking(learner=user_factory(), gig=gig, start=at(13), minutes=60)

    response = delete_account(teacher, django_capture_on_commit_callbacks)

    assert response.status_code == 204
    for booking, refunded in (
        (lesson, "30.00"),
        (second, "30.00"),
        (seats[0], "12.00"),
        (seats[1], "12.00"),
        (held_seat, "0"),
        (hold, "0"),
    ):
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED
        assert booking.refunded_amount == Decimal(refunded)
    past.refresh_from_db()
    assert past.status == BookingStatus.COMPLETED
    session.refresh_from_db()
    assert session.cancelled and session.seats_taken == 0
    assert Room.objects.get(pk=session.room_id).ended_at is not None

    run(enqueued)
    assert sorted(stripe_refunds(providers)) == ["1200", "1200", "3000", "3000"]
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("30.00")  # the past
    assert user_account(teacher, AccountKind.EARNINGS, "EUR").balance == 0
    assert verify_balances() == []

    told = notified()
    learners = {student.pk, other_student.pk, *(u.pk for u in seat_learners), holder.pk}
    assert set(told) == learners | {hold.learner_id}
    assert teacher.pk not in told
    assert any("Any payment is refunded in full." in b for b in told[seat_learners[0].pk])
    assert all("closed their account" in body for bodies in told.values() for body in bodies)


def test_a_payment_landing_after_the_deletion_is_refunded_in_full(
    student,
    api_client,
    client,
    make_listing,
    make_gig,
    providers,
    enqueued,
    django_capture_on_commit_callbacks,
) -> None:
    """The learner was paying for a held lesson when they deleted the account: the hold is
    released, and when Stripe's payment arrives it goes straight back."""
    from payments.testing import deliver_payment_succeeded

    listing = make_listing(booking_horizon_days=3660)
    gig = make_gig(listing)
    api_client.force_login(student)
    held = api_client.post(
        "/api/v1/bookings/", {"gig": gig.pk, "start": at(10).isoformat(), "duration": 60}
    )
    checkout = api_client.post(f"/api/v1/bookings/{held.json()['id']}/pay/", {"provider": "stripe"})
    payment = Payment.objects.get(pk=checkout.json()["payment_id"])
    assert delete_account(student, django_capture_on_commit_callbacks).status_code == 204
    booking = Booking.objects.get(pk=held.json()["id"])
    assert (booking.status, booking.refunded_amount) == (BookingStatus.CANCELLED, 0)

    with django_capture_on_commit_callbacks(execute=True):
        deliver_payment_succeeded(providers, payment, client)
    booking.refresh_from_db()
    assert (booking.status, booking.refunded_amount) == (BookingStatus.CANCELLED, Decimal("30"))
    assert named(enqueued, tasks.refund_booking) == [
        (str(booking.pk), "30.00", "paid after cancellation")
    ]
    run([entry for entry in enqueued if entry[0] == tasks.refund_booking.name])
    assert stripe_refunds(providers) == ["3000"]
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("0.00")
    assert verify_balances() == []


def test_a_refund_the_provider_fails_is_retried_with_the_money_held_meanwhile(
    student, admin, paid_booking, providers, enqueued, settings, django_capture_on_commit_callbacks
) -> None:
    """Stripe unreachable when the queued refund runs: what any cancellation does then. The
    refund waits for its automatic retry, the money stays in revenue (the ledger still
    balances), and the retry sweep sends it once Stripe answers again."""
    from django.utils import timezone

    from payments.services import retry_due_refunds

    booking = paid_booking(at(10))
    assert delete_account(student, django_capture_on_commit_callbacks).status_code == 204
    reachable = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # discard port: connection refused
    run(enqueued)
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.RETRYING and refund.amount == Decimal("30.00")
    booking.refresh_from_db()
    assert (booking.status, booking.refunded_amount) == ("cancelled", Decimal("30.00"))
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("30.00")
    assert verify_balances() == []

    settings.STRIPE_API_BASE = reachable
    assert retry_due_refunds(now=timezone.now() + timedelta(minutes=2))["succeeded"] == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and refund.attempts == 2
    assert stripe_refunds(providers) == ["3000"]
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("0.00")
    assert verify_balances() == []


def test_deletion_costs_a_fixed_number_of_queries_per_upcoming_lesson(
    user_factory, paid_booking, make_listing, make_gig, enqueued
) -> None:
    """Each lesson is cancelled through the one cancellation service (its locks, history
    and refund): the cost per lesson is fixed, whatever else the account holds."""
    listing = make_listing(booking_horizon_days=3660)
    gig = make_gig(listing)

    def cost(lessons: int, first_day: int) -> int:
        learner = user_factory()
        for day in range(lessons):
            paid_booking(at(first_day + day), gig=gig, learner=learner)
        return queries_to_delete_account(learner)

    one, three = cost(1, first_day=10), cost(3, first_day=20)
    assert (one, three - one) == (DELETION_QUERIES_WITH_ONE_LESSON, 2 * QUERIES_PER_LESSON)


# The whole request (session, every app's erasure, the anonymised user) with one lesson, and
# what each further lesson adds: its savepoint, the session and booking locks, the history
# row and the booking's save (with Wagtail's reference-index check). The request includes the
# two reads of pending time requests (test_deletion_with_time_requests.py prices each one),
# and study abroad's erasure (the wishlist, the reviews, the partner applications with their
# document files, and the upcoming trips to cancel), and the fixed
# erasure of social (posts, media, timelines, follows, reports), vocabulary, gamification (the
# XP ledger's guard lifted for the transaction), analytics (events anonymised), Web Push
# subscriptions and the legal acceptances kept: 30 queries together, none per row (social's
# corrections: 1). Tutoring's lesson packages add 2 (the open ones to close, the unpaid ones
# abandoned), the intro video file 1 (the listing's row read for its file), payouts' tax
# documents 2 (their file names, then the rows), abroad's reviews, reminders and partner
# applications 4, analytics' progress shares (both sides) 1, payments' billing details 1.
DELETION_QUERIES_WITH_ONE_LESSON = 115
QUERIES_PER_LESSON = 10


def test_a_pending_bank_payout_refuses_deletion_until_it_is_paid(
    teacher, admin, paid_booking, make_listing, make_gig, django_capture_on_commit_callbacks
) -> None:
    from payouts.models import PayeeProfile
    from payouts.services import accrue_earning, pay_payout, request_payout

    accrue_earning(
        teacher, gross=Decimal("100"), currency="EUR", role="teacher", idempotency_key="lesson"
    )
    PayeeProfile.objects.create(user=teacher, bank_details="IBAN ES91 2100 0418 4502 0005 1332")
    earned = user_account(teacher, AccountKind.EARNINGS, "EUR").balance
    payout = request_payout(
        teacher, amount=earned, currency="EUR", method="bank_transfer", idempotency_key="all"
    )
    listing = make_listing(teacher, booking_horizon_days=3660)
    lesson = paid_booking(at(10), listing=listing, gig=make_gig(listing))

    response = delete_account(teacher, django_capture_on_commit_callbacks)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "payout_pending"
    assert f"payout of {earned} EUR" in body["message"]
    assert "once it has been paid" in body["message"]
    # Nothing happened: the account, its bank details and its lessons are as they were.
    teacher.refresh_from_db()
    assert teacher.is_active and teacher.deleted_at is None
    assert PayeeProfile.objects.get(user=teacher).bank_details.startswith("IBAN")
    lesson.refresh_from_db()
    assert lesson.status == BookingStatus.CONFIRMED

    pay_payout(payout, by=admin, reference="SEPA-2026-11-0042")
    assert delete_account(teacher, django_capture_on_commit_callbacks).status_code == 204
    assert PayeeProfile.objects.get(user=teacher).bank_details == ""
    lesson.refresh_from_db()
    assert lesson.status == BookingStatus.CANCELLED


def test_earnings_not_asked_for_refuse_deletion_until_paid_out(
    teacher, admin, providers, django_capture_on_commit_callbacks
) -> None:
    from payouts.models import PayeeProfile
    from payouts.services import accrue_earning, pay_payout, request_payout

    accrue_earning(
        teacher, gross=Decimal("50"), currency="EUR", role="teacher", idempotency_key="lesson"
    )
    earned = user_account(teacher, AccountKind.EARNINGS, "EUR").balance

    response = delete_account(teacher, django_capture_on_commit_callbacks)

    assert response.status_code == 409
    assert response.json()["code"] == "earnings_unpaid"
    assert f"({earned} EUR)" in response.json()["message"]
    assert User.objects.get(pk=teacher.pk).deleted_at is None

    # A Stripe Connect payout under way does not block: it needs only the account id, kept.
    PayeeProfile.objects.create(user=teacher, stripe_account_id="acct_1TotoTeacher")
    payout = request_payout(
        teacher, amount=earned, currency="EUR", method="stripe_connect", idempotency_key="all"
    )
    assert delete_account(teacher, django_capture_on_commit_callbacks).status_code == 204
    assert PayeeProfile.objects.get(user=teacher).stripe_account_id == "acct_1TotoTeacher"
    paid = pay_payout(payout, by=admin)  # the admin still pays the former member
    assert paid.status == "paid" and paid.reference.startswith("tr_")
    assert providers.requests[-1][2]["destination"] == "acct_1TotoTeacher"
