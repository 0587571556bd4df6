"""Disputes: provider chargebacks open and update them through the signed webhooks (once
per event), a learner's complaint about a lesson opens one, both sides answer, and a
finance moderator's decision moves the money through the ledger."""

import json
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from credits.models import AccountKind, Entry
from credits.services import user_account, verify_balances
from disputes.models import Dispute, DisputeOutcome, DisputeSource, DisputeStatus
from notifications.models import Notification
from payments.models import Invoice, InvoiceKind, WebhookEvent
from payments.testing import razorpay_event, stripe_event

pytestmark = pytest.mark.django_db


def stripe_dispute(payment, status: str = "needs_response", dispute_id: str = "dp_1Test"):  # type: ignore[no-untyped-def]
    """A Stripe Dispute object as Stripe sends it in charge.dispute.* events."""
    return {
        "id": dispute_id,
        "object": "dispute",
        "amount": int(payment.amount * 100),
        "balance_transactions": [],
        "charge": payment.provider_payment_id,
        "created": int(time.time()),
        "currency": payment.currency.lower(),
        "evidence_details": {"due_by": int(time.time()) + 7 * 86400, "has_evidence": False},
        "is_charge_refundable": False,
        "livemode": False,
        "metadata": {},
        "payment_intent": payment.provider_order_id,
        "reason": "product_not_received",
        "status": status,
    }


def deliver(client, event_type: str, obj, event_id: str | None = None):  # type: ignore[no-untyped-def]
    payload, headers = stripe_event(event_type, obj, event_id=event_id)
    return client.post(
        "/api/v1/payments/webhooks/stripe/", payload, content_type="application/json", **headers
    )


def test_a_stripe_chargeback_opens_a_dispute_and_its_decision_moves_the_ledger(
    client, api_client, student, finance_moderator, package, providers, pay_for_credits
):
    payment = pay_for_credits(student)
    created = deliver(client, "charge.dispute.created", stripe_dispute(payment), "evt_dp_1")
    assert created.status_code == 200
    # Stripe delivers the same event again: nothing new.
    assert (
        deliver(client, "charge.dispute.created", stripe_dispute(payment), "evt_dp_1").status_code
        == 200
    )
    dispute = Dispute.objects.get()
    assert (dispute.source, dispute.status, dispute.amount, dispute.provider_status) == (
        DisputeSource.CHARGEBACK,
        DisputeStatus.EVIDENCE,
        Decimal("10.00"),
        "needs_response",
    )
    assert WebhookEvent.objects.filter(event_type="charge.dispute.created").count() == 1
    assert (
        Notification.objects.filter(recipient=student, type="disputes.dispute_updated").count() == 1
    )
    # A badly signed event is refused and opens nothing.
    payload, headers = stripe_event(
        "charge.dispute.created", stripe_dispute(payment, dispute_id="dp_x"), secret="whsec_wrong"
    )
    refused = client.post(
        "/api/v1/payments/webhooks/stripe/", payload, content_type="application/json", **headers
    )
    assert refused.status_code == 400
    deliver(client, "charge.dispute.updated", stripe_dispute(payment, "under_review"))
    dispute.refresh_from_db()
    assert dispute.provider_status == "under_review"

    # The learner sees it and answers with text.
    api_client.force_login(student)
    listed = api_client.get("/api/v1/disputes/").json()
    assert [(d["id"], d["role"], d["source"]) for d in listed["results"]] == [
        (str(dispute.pk), "learner", "chargeback")
    ]
    answered = api_client.post(
        f"/api/v1/disputes/{dispute.pk}/evidence/",
        {"text": "I never got the credits"},
        format="json",
    )
    assert answered.status_code == 201, answered.json()

    revenue_before = user_account(student, AccountKind.WALLET).balance
    assert revenue_before == Decimal("100")
    client.force_login(finance_moderator)
    url = f"/admin/finance/disputes/decide/{dispute.pk}/"
    screen = client.get(url)
    assert b"I never got the credits" in screen.content
    no_reason = client.post(url, {"outcome": "refund", "reason": ""})
    assert no_reason.status_code == 200
    decided = client.post(url, {"outcome": "refund", "reason": "The bank took it back"})
    assert decided.status_code == 302
    dispute.refresh_from_db()
    payment.refresh_from_db()
    assert (dispute.status, dispute.outcome, dispute.amount_refunded) == (
        DisputeStatus.DECIDED,
        DisputeOutcome.REFUND,
        Decimal("10.00"),
    )
    # The chargeback is booked as the refund the bank made: no second refund at Stripe,
    # the ledger reverses the sale (credits taken back) and a credit note is issued.
    assert providers.refunds == []
    assert payment.amount_refunded == Decimal("10.00")
    assert dispute.refund.provider_refund_id == "dispute:dp_1Test"
    assert Entry.objects.filter(transfer=dispute.refund.transfer).count() >= 2
    assert user_account(student, AccountKind.WALLET).balance == 0
    assert Invoice.objects.filter(payment=payment, kind=InvoiceKind.CREDIT_NOTE).count() == 1
    assert verify_balances() == []
    assert (
        Notification.objects.filter(recipient=student, type="disputes.dispute_updated").count() == 2
    )
    # Decided: no more evidence, no second decision.
    late = api_client.post(
        f"/api/v1/disputes/{dispute.pk}/evidence/", {"text": "more"}, format="json"
    )
    assert (late.status_code, late.json()["code"]) == (409, "already_decided")


def test_a_razorpay_dispute_webhook_opens_one(client, razorpay_payment, student):
    payment = razorpay_payment
    dispute = {
        "id": "disp_Test1",
        "entity": "dispute",
        "payment_id": payment.provider_payment_id,
        "amount": 80000,
        "currency": "INR",
        "amount_deducted": 0,
        "reason_code": "chargeback",
        "reason_description": "The customer does not recognise the payment",
        "respond_by": int(time.time()) + 86400,
        "status": "open",
        "phase": "chargeback",
        "created_at": int(time.time()),
    }
    body, headers = razorpay_event(
        "payment.dispute.created",
        {
            "payment": {"entity": {"id": payment.provider_payment_id, "entity": "payment"}},
            "dispute": {"entity": dispute},
        },
    )
    answer = client.post(
        "/api/v1/payments/webhooks/razorpay/", body, content_type="application/json", **headers
    )
    assert answer.status_code == 200
    opened = Dispute.objects.get()
    assert (opened.provider_dispute_id, opened.amount, opened.status) == (
        "disp_Test1",
        Decimal("800.00"),
        DisputeStatus.EVIDENCE,
    )
    lost = dict(dispute, status="lost")
    body, headers = razorpay_event(
        "payment.dispute.lost",
        {"payment": {"entity": {"id": payment.provider_payment_id}}, "dispute": {"entity": lost}},
    )
    client.post(
        "/api/v1/payments/webhooks/razorpay/", body, content_type="application/json", **headers
    )
    opened.refresh_from_db()
    assert opened.provider_status == "lost"
    assert Dispute.objects.count() == 1


def start_in(days: int) -> datetime:
    return (datetime.now(tz=UTC) + timedelta(days=days)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )


def test_a_lesson_complaint_opens_a_dispute_the_teacher_answers_and_a_partial_refund_pays_the_teacher_the_rest(
    api_client, client, student, finance_moderator, paid_booking, providers
):
    from tutoring.models import BookingStatus

    booking = paid_booking(start_in(5))
    teacher = booking.teacher.user
    # The lesson took place as far as the server knows; the learner says otherwise.
    from tutoring.models import Booking

    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.AWAITING_CONFIRMATION)
    api_client.force_login(student)
    complained = api_client.post(
        f"/api/v1/bookings/{booking.pk}/dispute/", {"reason": "The teacher left after 10 minutes"}
    )
    assert complained.status_code == 200, complained.json()
    dispute = Dispute.objects.get()
    assert (dispute.source, dispute.counterparty, dispute.amount) == (
        DisputeSource.COMPLAINT,
        teacher,
        booking.price,
    )
    api_client.force_login(teacher)
    mine = api_client.get("/api/v1/disputes/").json()["results"]
    assert [d["role"] for d in mine] == ["counterparty"]
    answered = api_client.post(
        f"/api/v1/disputes/{dispute.pk}/evidence/", {"text": "We had 45 minutes"}, format="json"
    )
    assert answered.status_code == 201
    assert len(answered.json()["evidence"]) == 2

    client.force_login(finance_moderator)
    partial = booking.price / 2
    decided = client.post(
        f"/admin/finance/disputes/decide/{dispute.pk}/",
        {"outcome": "partial_refund", "amount": str(partial), "reason": "Half the lesson happened"},
    )
    assert decided.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.outcome, dispute.amount_refunded) == (DisputeOutcome.PARTIAL_REFUND, partial)
    assert [r["amount"] for r in providers.refunds] == [int(partial * 100)]
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED
    assert booking.refunded_amount == partial
    # The teacher is paid for the other half, less the commission.
    earnings = user_account(teacher, AccountKind.EARNINGS, booking.currency).balance
    assert Decimal("0") < earnings < partial
    assert verify_balances() == []


def test_the_dispute_list_is_paginated_in_pinned_queries(
    client,
    api_client,
    student,
    other_student,
    package,
    providers,
    pay_for_credits,
    assert_num_queries,
):
    for index in range(3):
        payment = pay_for_credits(student)
        deliver(client, "charge.dispute.created", stripe_dispute(payment, dispute_id=f"dp_{index}"))
    deliver(
        client,
        "charge.dispute.created",
        stripe_dispute(pay_for_credits(other_student), dispute_id="dp_other"),
    )
    api_client.force_login(student)
    with assert_num_queries(5):  # session, user, count, the page with payments, evidence
        listed = api_client.get("/api/v1/disputes/")
    assert listed.json()["count"] == 3
    json.dumps(listed.json())


def _deliver(api_client, booking) -> None:  # type: ignore[no-untyped-def]
    """The lesson happens (both in the classroom the whole hour) and the learner confirms it
    through the API: the booking-completion flow pays the teacher."""
    from rooms.models import Attendance
    from tutoring.services import sessions

    sessions.open_meeting(booking)
    booking.refresh_from_db()
    for user in (booking.teacher.user, booking.learner):
        Attendance.objects.create(
            room_id=booking.room_id,
            user=user,
            channel_name="test",
            joined_at=booking.start,
            left_at=booking.end,
        )
    sessions.finish_session(booking.pk, now=booking.end + timedelta(minutes=31))
    api_client.force_login(booking.learner)
    assert api_client.post(f"/api/v1/bookings/{booking.pk}/confirm/").status_code == 200


def test_a_teacher_debt_beyond_their_earnings_is_repaid_first_from_later_lessons(
    api_client, client, teacher, admin, finance_moderator, make_listing, paid_booking
):
    """A chargeback on a lesson the teacher was already paid (and paid out) for is decided at
    the teacher's cost: what their earnings cannot cover becomes a claim, repaid first from
    the next lessons' earnings, and payouts cannot take it meanwhile."""
    from credits.models import Transfer
    from credits.selectors import earnings_summary
    from credits.services import platform_account
    from payouts.errors import PayoutExceedsPayable
    from payouts.services import pay_payout, request_payout
    from tutoring.payments import payment_of

    def balances() -> tuple[Decimal, Decimal]:
        return (
            user_account(teacher, AccountKind.EARNINGS, "EUR").balance,
            platform_account(AccountKind.REVENUE, "EUR").balance,
        )

    listing = make_listing(teacher, booking_horizon_days=3660)
    first = paid_booking(start_in(10), listing=listing)
    _deliver(api_client, first)
    revenue_after_sale = balances()[1]
    assert balances()[0] == Decimal("25.50")  # 30.00 less the 15 % commission
    payout = request_payout(
        teacher,
        amount=Decimal("25.50"),
        currency="EUR",
        method="bank_transfer",
        idempotency_key="paid-out-1",
    )
    pay_payout(payout, by=admin, reference="SEPA-1")
    assert balances()[0] == 0

    payment = payment_of(first)
    deliver(client, "charge.dispute.created", stripe_dispute(payment, dispute_id="dp_lesson"))
    dispute = Dispute.objects.get()
    assert dispute.counterparty == teacher
    client.force_login(finance_moderator)
    decided = client.post(
        f"/admin/finance/disputes/decide/{dispute.pk}/",
        {"outcome": "teacher_debt", "reason": "No lesson took place"},
    )
    assert decided.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.outcome, dispute.amount_refunded) == (
        DisputeOutcome.TEACHER_DEBT,
        Decimal("30.00"),
    )
    # Nothing left to take back at once: the teacher's 25.50 share is owed.
    assert (dispute.debt_recovered, dispute.debt_outstanding) == (Decimal("0"), Decimal("25.50"))
    assert earnings_summary(teacher) == [
        {
            "currency": "EUR",
            "balance": Decimal("0.00"),
            "outstanding_debt": Decimal("25.50"),
            "payable": Decimal("0.00"),
        }
    ]
    revenue_after_chargeback = balances()[1]

    # The next lesson's 25.50 repays the whole debt before the teacher can ask for it.
    _deliver(api_client, paid_booking(start_in(11), listing=listing))
    dispute.refresh_from_db()
    assert (dispute.debt_recovered, dispute.debt_outstanding) == (Decimal("25.50"), Decimal("0"))
    assert balances()[0] == 0
    earning = Transfer.objects.filter(kind="tutoring_earning").latest("created_at")
    recovery = Transfer.objects.get(
        idempotency_key=f"debt-recovery:dispute:{earning.idempotency_key}"
    )
    assert recovery.kind == "dispute_debt_recovery"
    assert recovery.metadata == {"disputes": {str(dispute.pk): "25.50"}}
    assert sorted(recovery.entries.values_list("account__kind", "amount")) == [
        ("earnings", Decimal("-25.50")),
        ("revenue", Decimal("25.50")),
    ]
    # The platform, which bore the whole refund, gets the teacher's 25.50 back.
    assert revenue_after_chargeback == revenue_after_sale - Decimal("30.00")
    assert balances()[1] == revenue_after_chargeback + Decimal("25.50")
    with pytest.raises(PayoutExceedsPayable):
        request_payout(
            teacher,
            amount=Decimal("0.01"),
            currency="EUR",
            method="bank_transfer",
            idempotency_key="paid-out-2",
        )

    # Settled: the lesson after that is the teacher's, and nothing more is recovered.
    _deliver(api_client, paid_booking(start_in(12), listing=listing))
    assert balances()[0] == Decimal("25.50")
    assert Transfer.objects.filter(kind="dispute_debt_recovery").count() == 1
    assert earnings_summary(teacher)[0]["outstanding_debt"] == Decimal("0.00")
    assert verify_balances() == []
