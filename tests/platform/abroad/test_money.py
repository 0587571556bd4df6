"""Paying, cancelling by the booking's policy, expiry and completion, all through the
payments checkout (the demo provider) and the credits ledger."""

from datetime import timedelta
from decimal import Decimal

import pytest
from abroad import services, tasks
from abroad.models import AbroadBooking, AbroadSettings, BookingStatus, RoomStay
from django.utils import timezone
from rest_framework.test import APIClient

from credits.models import AccountKind
from credits.services import platform_account, user_account, verify_balances
from payments.models import Payment, PaymentStatus, Refund
from payments.services import confirm_demo_payment

pytestmark = pytest.mark.django_db

CARD = "4242 4242 4242 4242"


@pytest.fixture(autouse=True)
def _demo(settings) -> None:  # type: ignore[no-untyped-def]
    settings.PAYMENTS_DEMO_ENABLED = True


def pay(learner, booking_id: str) -> Payment:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(learner)
    response = client.post(f"/api/v1/abroad/bookings/{booking_id}/pay/", {"provider": "demo"})
    assert response.status_code == 200, response.json()
    payment = Payment.objects.get(pk=response.json()["payment"]["payment_id"])
    assert confirm_demo_payment(payment, card=CARD).status == PaymentStatus.SUCCEEDED
    return payment


def package(make_course, make_homestay, institution, homestay_owner, learner, **course):  # type: ignore[no-untyped-def]
    intake = make_course(institution, **course).intakes.get()
    room = make_homestay(homestay_owner).rooms.get()
    check_in = intake.start_date - timedelta(days=1)
    return services.hold_booking(
        learner=learner,
        intake_id=intake.pk,
        weeks=2,
        room_id=room.pk,
        check_in=check_in,
        check_out=check_in + timedelta(days=14),
    )


def test_deposit_confirms_then_balance_pays_in_full_and_completion_pays_both_vendors(
    make_course, make_homestay, institution, homestay_owner, student
) -> None:
    booking = package(
        make_course, make_homestay, institution, homestay_owner, student, deposit_percent=20
    )
    first = pay(student, booking.pk)
    assert first.amount == Decimal("586.00")  # 20 % of 480 + 490
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.hold_expires_at is None
    second = pay(student, booking.pk)
    assert second.amount == Decimal("384.00")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("970.00")

    settings = AbroadSettings.load()
    settings.institution_commission_percent = 20
    settings.homestay_commission_percent = 10
    settings.save()
    later = timezone.now() + timedelta(days=120)
    assert services.complete_due(later) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED
    assert user_account(institution, AccountKind.EARNINGS, "EUR").balance == Decimal("384.00")
    assert user_account(homestay_owner, AccountKind.EARNINGS, "EUR").balance == Decimal("441.00")
    assert platform_account(AccountKind.COMMISSIONS, "EUR").balance == Decimal("145.00")
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("0.00")
    assert services.complete_due(later) == 0  # replays move nothing
    assert verify_balances() == []


@pytest.mark.parametrize(
    ("policy", "days", "refund"),
    [("moderate", 40, "280.00"), ("moderate", 10, "140.00"), ("strict", 40, "140.00")],
)
def test_learner_cancellation_refunds_by_the_policy_fixed_at_booking(
    make_course, institution, student, policy, days, refund
) -> None:
    course = make_course(institution, cancellation_policy=policy)
    intake = course.intakes.get()
    booking = services.hold_booking(learner=student, intake_id=intake.pk)
    # The vendor changes the policy afterwards: the booking keeps its own.
    course.cancellation_policy = "flexible"
    course.save_revision().publish()
    pay(student, booking.pk)
    now = timezone.now().replace(hour=12) + (
        (intake.start_date - timezone.localdate()) - timedelta(days=days)
    )
    cancelled = services.cancel_booking(booking.pk, by=student, now=now)
    assert cancelled.status == BookingStatus.CANCELLED
    assert cancelled.refunded_amount == Decimal(refund)
    tasks.refund_booking(str(booking.pk), refund, "cancelled")  # what the commit enqueued
    assert Refund.objects.get().amount == Decimal(refund)
    kept = Decimal("280.00") - Decimal(refund)
    earned = user_account(institution, AccountKind.EARNINGS, "EUR").balance
    assert earned == (kept * Decimal("0.88")).quantize(Decimal("0.01"))
    assert services.seats_taken(intake.pk) == 0
    assert verify_balances() == []


def test_vendor_cancellation_refunds_in_full(make_homestay, homestay_owner, student) -> None:
    homestay = make_homestay(homestay_owner, cancellation_policy="strict")
    room = homestay.rooms.get()
    day = timezone.localdate() + timedelta(days=3)
    booking = services.hold_booking(
        learner=student, room_id=room.pk, check_in=day, check_out=day + timedelta(days=4)
    )
    pay(student, booking.pk)
    cancelled = services.cancel_booking(booking.pk, by=homestay_owner, reason="burst pipe")
    assert cancelled.refunded_amount == Decimal("140.00")
    assert cancelled.cancelled_by_vendor
    assert not RoomStay.objects.filter(room=room, active=True).exists()


def test_holds_expire_and_requests_lapse_then_a_late_payment_is_refunded(
    make_course, make_homestay, institution, homestay_owner, student, other_student
) -> None:
    intake = make_course(institution, seats=1).intakes.get()
    held = services.hold_booking(learner=student, intake_id=intake.pk)
    client = APIClient()
    client.force_authenticate(student)
    checkout = client.post(f"/api/v1/abroad/bookings/{held.pk}/pay/", {"provider": "demo"})
    payment = Payment.objects.get(pk=checkout.json()["payment"]["payment_id"])
    request_stay = make_homestay(homestay_owner, booking_mode="request").rooms.get()
    day = timezone.localdate() + timedelta(days=10)
    requested = services.hold_booking(
        learner=other_student,
        room_id=request_stay.pk,
        check_in=day,
        check_out=day + timedelta(days=3),
    )
    assert requested.status == BookingStatus.AWAITING_VENDOR

    later = timezone.now() + timedelta(days=3)
    assert services.expire_due(later) == {"expired": 1, "lapsed": 1}
    held.refresh_from_db()
    requested.refresh_from_db()
    assert (held.status, requested.status) == (BookingStatus.EXPIRED, BookingStatus.LAPSED)
    assert not RoomStay.objects.filter(active=True).exists()
    # The seat is free again …
    taken = services.hold_booking(learner=other_student, intake_id=intake.pk)
    assert taken.status == BookingStatus.HELD
    # … and the first learner's late payment goes back in full.
    confirm_demo_payment(payment, card=CARD)
    held.refresh_from_db()
    assert held.status == BookingStatus.EXPIRED
    assert held.refunded_amount == held.amount_paid == Decimal("280.00")
    tasks.refund_booking(str(held.pk), "280.00", "late")
    assert Refund.objects.get().amount == Decimal("280.00")
    assert AbroadBooking.objects.filter(intake=intake, status=BookingStatus.HELD).count() == 1


def test_the_beat_schedules_exist() -> None:
    from django_celery_beat.models import PeriodicTask

    tasks_scheduled = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"abroad.expire_holds", "abroad.complete_finished"} <= tasks_scheduled


def test_personal_data_export_and_erasure(make_course, institution, student) -> None:
    from abroad.personal_data import erase_personal_data, export_personal_data

    course = make_course(institution, cancellation_policy="strict")
    intake = course.intakes.get()
    paid = services.hold_booking(learner=student, intake_id=intake.pk)
    pay(student, paid.pk)
    services.add_to_wishlist(student, course.pk)
    exported = export_personal_data(student)
    assert [row["status"] for row in exported["bookings"]] == ["paid"]
    assert exported["wishlist"][0]["page"] == course.title
    assert export_personal_data(institution)["bookings_of_my_listings"][0]["id"] == str(paid.pk)

    erase_personal_data(student)
    paid.refresh_from_db()
    # Strict would keep at least half; leaving the platform refunds in full.
    assert paid.status == BookingStatus.CANCELLED
    assert paid.refunded_amount == paid.amount_paid
    assert export_personal_data(student)["wishlist"] == []


def test_a_refund_made_outside_a_cancellation_reaches_the_booking(
    make_course, make_homestay, institution, homestay_owner, student
) -> None:
    """A finance admin's refund (a refund request, a lost dispute) is not a cancellation made
    here: the booking must still learn of it, or completion would pay the vendors money the
    learner already got back."""
    from payments import purposes
    from payments.models import RefundStatus
    from payments.services import refund_payment

    booking = package(make_course, make_homestay, institution, homestay_owner, student)
    payment = pay(student, booking.pk)
    assert payment.amount == Decimal("970.00")
    assert purposes.get(payment.purpose).counterparty(payment) == institution

    partial = refund_payment(
        payment, amount=Decimal("100.00"), reason="room was cold", idempotency_key="finance:1"
    )
    assert partial.status == RefundStatus.SUCCEEDED
    booking.refresh_from_db()
    assert (booking.status, booking.refunded_amount) == (BookingStatus.PAID, Decimal("100.00"))

    assert services.complete_due(timezone.now() + timedelta(days=120)) == 1
    vendors = (
        user_account(institution, AccountKind.EARNINGS, "EUR").balance
        + user_account(homestay_owner, AccountKind.EARNINGS, "EUR").balance
    )
    commissions = platform_account(AccountKind.COMMISSIONS, "EUR").balance
    assert vendors + commissions == Decimal("870.00")  # what the learner kept paid
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("0.00")
    assert verify_balances() == []


def test_a_full_refund_outside_a_cancellation_cancels_the_booking_and_frees_its_room(
    make_homestay, homestay_owner, student, other_student
) -> None:
    from payments.services import refund_payment

    room = make_homestay(homestay_owner).rooms.get()
    check_in = timezone.localdate() + timedelta(days=30)
    dates = {"room_id": room.pk, "check_in": check_in, "check_out": check_in + timedelta(days=7)}
    booking = services.hold_booking(learner=student, **dates)
    payment = pay(student, booking.pk)
    refund_payment(payment, reason="dispute lost", idempotency_key="finance:2")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.refunded_amount == booking.amount_paid
    assert not RoomStay.objects.filter(booking=booking, active=True).exists()
    # The room is free again for someone else.
    assert services.hold_booking(learner=other_student, **dates).status == BookingStatus.HELD
    assert verify_balances() == []


def test_a_bank_transfer_holds_the_booking_for_days_until_finance_confirms_it(
    client, make_course, make_homestay, institution, homestay_owner, student, admin_user
) -> None:
    from payments.services import confirm_bank_transfer

    booking = package(make_course, make_homestay, institution, homestay_owner, student)
    client.force_login(student)
    chooser = client.get(f"/abroad/trips/{booking.pk}/pay/")
    assert "?provider=bank_transfer" in chooser.content.decode()  # 970 EUR: over the minimum

    page = client.get(f"/abroad/trips/{booking.pk}/pay/", {"provider": "bank_transfer"})
    assert page.status_code == 200
    payment = Payment.objects.get(provider="bank_transfer", item__booking=str(booking.pk))
    html = page.content.decode()
    assert payment.provider_order_id.startswith("TOTO-")
    assert payment.provider_order_id in html
    assert "IBAN" in html
    booking.refresh_from_db()
    assert booking.hold_expires_at > timezone.now() + timedelta(days=4)
    # Coming back to the page shows the same reference, not a second transfer to make.
    again = client.get(f"/abroad/trips/{booking.pk}/pay/", {"provider": "bank_transfer"})
    assert payment.provider_order_id in again.content.decode()
    assert (
        Payment.objects.filter(item__booking=str(booking.pk), provider="bank_transfer").count() == 1
    )

    trip = client.get(f"/abroad/trips/{booking.pk}/").content.decode()
    assert 'data-testid="transfer-waiting"' in trip
    assert payment.provider_order_id in trip

    # A day later the card's 30-minute hold would long be gone; this one still holds.
    services.expire_due(timezone.now() + timedelta(days=1))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.HELD

    confirm_bank_transfer(payment, by=admin_user)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PAID
    assert booking.amount_paid == Decimal("970.00")
    assert verify_balances() == []


def test_bank_transfer_is_not_offered_under_its_minimum(
    client, make_course, institution, student
) -> None:
    booking = services.hold_booking(
        learner=student, intake_id=make_course(institution).intakes.get().pk
    )
    client.force_login(student)
    page = client.get(f"/abroad/trips/{booking.pk}/pay/")
    assert page.status_code == 200
    assert "bank_transfer" not in page.content.decode()  # 280 EUR, under the 500 minimum
