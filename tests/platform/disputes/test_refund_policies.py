"""The refund policy for every purchase a learner can ask a refund for: a lesson package, a
group-session seat, a study-abroad booking and a material pack. Each is asked through the
API (or the website's form); what the policy grants is approved at once and ends what was
bought (a package closed, a seat or a stay cancelled and given back); the rest waits for a
finance admin, whose approval ends it the same way."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from abroad import services as abroad_services
from abroad.models import BookingStatus as AbroadStatus
from abroad.models import RoomStay
from django.utils import timezone
from rest_framework.test import APIClient

from credits.models import AccountKind
from credits.services import platform_account, user_account, verify_balances
from disputes.models import RefundRequest, RefundRequestStatus
from payments.models import Payment, PaymentStatus, Refund
from payments.services import confirm_demo_payment
from tutoring.models import Booking, BookingStatus, LessonPackage, PackageStatus
from tutoring.services import group_sessions

pytestmark = pytest.mark.django_db

CARD = "4242 4242 4242 4242"


@pytest.fixture(autouse=True)
def _demo(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PAYMENTS_DEMO_ENABLED = True


def ask(learner, payment, reason: str = "changed_mind"):  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(learner)
    answer = client.post(
        "/api/v1/refund-requests/",
        {"payment": str(payment.pk), "reason": reason, "details": "Please"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    return answer.json()


def decide(client, moderator, body, amount: str):  # type: ignore[no-untyped-def]
    client.force_login(moderator)
    url = f"/admin/finance/refund-requests/decide/{body['id']}/"
    decided = client.post(url, {"decision": "approve", "amount": amount, "note": "Fair"})
    assert decided.status_code == 302
    request = RefundRequest.objects.get(pk=body["id"])
    assert (request.status, request.amount_approved) == (
        RefundRequestStatus.APPROVED,
        Decimal(amount),
    )
    return request


# --- Lesson packages ------------------------------------------------------------------------


@pytest.fixture
def bought_package(api_client, student, make_listing, make_gig):  # type: ignore[no-untyped-def]
    """5 lessons at 27.00 (135.00) paid with the demo card; one of them booked."""
    listing = make_listing(booking_horizon_days=3660)
    gig = make_gig(listing, package_sizes=[5], package_discount_percent=10)
    api_client.force_login(student)
    created = api_client.post(
        "/api/v1/lesson-packages/", {"gig": gig.pk, "duration": 60, "lessons": 5}, format="json"
    ).json()
    api_client.post(f"/api/v1/lesson-packages/{created['id']}/pay/", {"provider": "demo"})
    payment = Payment.objects.get(purpose="tutoring_package", item__package=created["id"])
    assert confirm_demo_payment(payment, card=CARD).status == PaymentStatus.SUCCEEDED
    start = (datetime.now(tz=UTC) + timedelta(days=5)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    booked = api_client.post(
        f"/api/v1/lesson-packages/{created['id']}/book/", {"start": start.isoformat()}
    )
    assert booked.status_code == 201, booked.json()
    return LessonPackage.objects.get(pk=created["id"]), Payment.objects.get(pk=payment.pk)


def test_a_packages_unused_lessons_are_refunded_at_once_and_the_package_closes(
    api_client, student, bought_package
) -> None:
    package, payment = bought_package
    body = ask(student, payment)
    assert (body["status"], body["automatic"], body["amount_approved"]) == (
        "approved",
        True,
        "108.00",  # the four lessons not booked, 27.00 each
    )
    package.refresh_from_db()
    assert (package.status, package.refunded_lessons) == (PackageStatus.CLOSED, 4)
    assert Refund.objects.get(payment=payment).amount == Decimal("108.00")
    # Nothing refunded can be booked any more; the lesson booked still takes place.
    again = api_client.post(
        f"/api/v1/lesson-packages/{package.pk}/book/",
        {
            "start": (timezone.now() + timedelta(days=6))
            .replace(hour=10, minute=0, second=0, microsecond=0)
            .isoformat()
        },
    )
    assert again.status_code == 409
    assert Booking.objects.get(package=package).status == BookingStatus.CONFIRMED
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("27.00")
    assert verify_balances() == []


def test_a_package_request_after_the_period_waits_and_approval_closes_it(
    client, settings, student, finance_moderator, bought_package
) -> None:
    settings.REFUND_AUTO_PACKAGE_DAYS = 0
    package, payment = bought_package
    body = ask(student, payment, "not_as_described")
    assert (body["status"], body["automatic"]) == ("pending", False)
    package.refresh_from_db()
    assert package.status == PackageStatus.ACTIVE
    decide(client, finance_moderator, body, "50.00")
    package.refresh_from_db()
    assert (package.status, package.refunded_amount) == (PackageStatus.CLOSED, Decimal("50.00"))
    assert Refund.objects.get(payment=payment).amount == Decimal("50.00")
    assert verify_balances() == []


# --- Group-session seats --------------------------------------------------------------------


def seat(make_listing, make_gig, buy_seat, learner, start):  # type: ignore[no-untyped-def]
    listing = make_listing()
    session = group_sessions.publish(
        make_gig(listing),
        by=listing.user,
        topic="Conversation circle",
        start=start,
        minutes=60,
        price=Decimal("10.00"),
        seats=3,
    )
    booking = buy_seat(session, learner)
    payment = Payment.objects.get(purpose="tutoring_booking", item__booking=str(booking.pk))
    return session, booking, payment


def test_a_seat_is_refunded_in_full_before_the_deadline_and_given_back(
    student, make_listing, make_gig, buy_seat, providers, django_capture_on_commit_callbacks
) -> None:
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    session, booking, payment = seat(make_listing, make_gig, buy_seat, student, start)
    session.refresh_from_db()
    assert session.seats_taken == 1
    with django_capture_on_commit_callbacks(execute=True):
        body = ask(student, payment)
    assert (body["status"], body["automatic"], body["amount_approved"]) == (
        "approved",
        True,
        "10.00",
    )
    booking.refresh_from_db()
    session.refresh_from_db()
    assert (booking.status, booking.refunded_amount) == (BookingStatus.CANCELLED, Decimal("10"))
    assert session.seats_taken == 0
    assert [r["amount"] for r in providers.refunds] == [1000]  # once, not twice
    assert verify_balances() == []


def test_a_seat_request_after_the_deadline_waits_and_approval_cancels_the_seat(
    client, student, finance_moderator, make_listing, make_gig, buy_seat, providers
) -> None:
    start = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    session, booking, payment = seat(make_listing, make_gig, buy_seat, student, start)
    body = ask(student, payment)
    assert body["status"] == "pending"
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    decide(client, finance_moderator, body, "4.00")
    booking.refresh_from_db()
    session.refresh_from_db()
    assert (booking.status, booking.refunded_amount) == (BookingStatus.CANCELLED, Decimal("4"))
    assert session.seats_taken == 0
    # The 6.00 kept pays the teacher (less commission), as a late cancellation would.
    earned = user_account(session.teacher.user, AccountKind.EARNINGS, "EUR").balance
    commissions = platform_account(AccountKind.COMMISSIONS, "EUR").balance
    assert earned + commissions == Decimal("6.00")
    assert [r["amount"] for r in providers.refunds] == [400]
    assert verify_balances() == []


# --- Study abroad ---------------------------------------------------------------------------


def stay(make_homestay, homestay_owner, learner, policy: str):  # type: ignore[no-untyped-def]
    """Four nights from ten days on (140.00), paid with the demo card."""
    room = make_homestay(homestay_owner, cancellation_policy=policy).rooms.get()
    day = timezone.localdate() + timedelta(days=10)
    dates = {"room_id": room.pk, "check_in": day, "check_out": day + timedelta(days=4)}
    booking = abroad_services.hold_booking(learner=learner, **dates)
    client = APIClient()
    client.force_authenticate(learner)
    answer = client.post(f"/api/v1/abroad/bookings/{booking.pk}/pay/", {"provider": "demo"})
    payment = Payment.objects.get(pk=answer.json()["payment"]["payment_id"])
    assert confirm_demo_payment(payment, card=CARD).status == PaymentStatus.SUCCEEDED
    return booking, Payment.objects.get(pk=payment.pk), dates


def test_a_stay_is_refunded_by_its_policy_from_the_website_and_its_nights_freed(
    client, student, other_student, make_homestay, homestay_owner
) -> None:
    booking, payment, dates = stay(make_homestay, homestay_owner, student, "moderate")
    client.force_login(student)
    sent = client.post(
        f"/payments/{payment.pk}/refund/", {"reason": "changed_mind", "details": "Plans changed"}
    )
    assert sent.status_code == 302
    request = RefundRequest.objects.get(payment=payment)
    # Moderate, ten days before arrival: half of the 140.00 paid.
    assert (request.status, request.automatic, request.amount_approved) == (
        RefundRequestStatus.APPROVED,
        True,
        Decimal("70.00"),
    )
    assert b"70.00" in client.get("/refunds/").content
    booking.refresh_from_db()
    assert (booking.status, booking.refunded_amount) == (AbroadStatus.CANCELLED, Decimal("70.00"))
    assert not RoomStay.objects.filter(booking=booking, active=True).exists()
    assert abroad_services.hold_booking(learner=other_student, **dates).status == AbroadStatus.HELD
    # The half kept is the host's (less commission), as a late cancellation would give.
    earned = user_account(homestay_owner, AccountKind.EARNINGS, "EUR").balance
    commissions = platform_account(AccountKind.COMMISSIONS, "EUR").balance
    assert earned + commissions == Decimal("70.00")
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("0.00")
    assert verify_balances() == []


def test_a_stay_the_policy_refunds_nothing_of_waits_and_approval_cancels_it(
    client, student, finance_moderator, make_homestay, homestay_owner
) -> None:
    booking, payment, _ = stay(make_homestay, homestay_owner, student, "strict")
    body = ask(student, payment, "not_as_described")
    assert (body["status"], body["automatic"]) == ("pending", False)
    booking.refresh_from_db()
    assert booking.status == AbroadStatus.PAID
    decide(client, finance_moderator, body, "40.00")
    booking.refresh_from_db()
    assert (booking.status, booking.refunded_amount) == (AbroadStatus.CANCELLED, Decimal("40.00"))
    assert not RoomStay.objects.filter(booking=booking, active=True).exists()
    earned = user_account(homestay_owner, AccountKind.EARNINGS, "EUR").balance
    commissions = platform_account(AccountKind.COMMISSIONS, "EUR").balance
    assert earned + commissions == Decimal("100.00")
    assert verify_balances() == []
