"""Refunds a provider failed are retried automatically with backoff, under the same
idempotency key, never twice at once; what cannot be retried goes to a finance admin."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from credits.models import AccountKind
from credits.services import user_account, verify_balances
from notifications.models import Notification
from payments import tasks
from payments.models import Refund, RefundStatus
from payments.services import refund_payment, retry_due_refunds
from payments.testing import (
    RAZORPAY_500,
    STRIPE_500,
    STRIPE_ALREADY_REFUNDED,
    razorpay_event,
    stripe_event,
)

pytestmark = pytest.mark.django_db

REFUNDS = "/v1/refunds"
ATTENTION = "payments.refund_attention"


def stripe_posts(providers) -> list[str]:
    """The Idempotency-Key of each refund request Stripe received."""
    return [key for path, key in providers.keys if path == REFUNDS]


def later(seconds: int) -> timezone.datetime:
    return timezone.now() + timedelta(seconds=seconds)


def test_a_500_is_retried_after_the_backoff_and_refunds_once(
    student, package, providers, pay_for_credits
):
    payment = pay_for_credits(student)
    providers.fail(REFUNDS, (500, STRIPE_500))

    refund = refund_payment(payment, reason="Unhappy", idempotency_key="r1")
    assert refund.status == RefundStatus.RETRYING
    assert refund.attempts == 1 and "unknown error" in refund.last_error
    assert later(55) < refund.next_retry_at < later(65)  # the first delay: one minute
    # The money stays where it is while the refund is retried; the ledger balances.
    payment.refresh_from_db()
    assert payment.amount_refunded == 0
    assert user_account(student, AccountKind.WALLET).balance == Decimal("100.00")
    assert verify_balances() == []
    # Not due yet: the sweep leaves it alone.
    assert retry_due_refunds()["due"] == 0
    assert providers.refunds == []

    Refund.objects.filter(pk=refund.pk).update(next_retry_at=timezone.now())
    assert tasks.retry_due_refunds() == {
        "due": 1,
        "succeeded": 1,
        "retrying": 0,
        "attention": 0,
        "skipped": 0,
    }
    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.next_retry_at) == (
        RefundStatus.SUCCEEDED,
        2,
        None,
    )
    assert len(providers.refunds) == 1 and refund.provider_refund_id == providers.refunds[0]["id"]
    assert stripe_posts(providers) == [f"refund:{refund.pk}"] * 2
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("10.00")
    assert user_account(student, AccountKind.WALLET).balance == Decimal("0.00")
    assert refund.credit_note.amount == Decimal("10.00")
    assert verify_balances() == []
    # Nothing left to retry, and sweeping again moves nothing.
    assert retry_due_refunds(now=later(86400))["due"] == 0
    assert len(stripe_posts(providers)) == 2


def test_a_refund_made_but_answered_with_an_error_is_not_made_again(
    student, package, providers, pay_for_credits
):
    """The answer is lost after Stripe refunded: the retry's same Idempotency-Key gets the
    refund Stripe already made instead of a second one."""
    payment = pay_for_credits(student)
    providers.lost_answers.append(REFUNDS)
    refund = refund_payment(payment, idempotency_key="r1")
    assert refund.status == RefundStatus.RETRYING and len(providers.refunds) == 1

    retry_due_refunds(now=later(61))
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert len(providers.refunds) == 1 and refund.provider_refund_id == providers.refunds[0]["id"]
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("10.00")
    assert verify_balances() == []


def test_razorpay_retry_finds_the_refund_a_lost_answer_made(student, providers, razorpay_payment):
    """Razorpay takes no idempotency key: the retry looks the refund up by the id in its
    notes before sending, so a timed-out send that went through is not refunded twice."""
    refund_path = f"/v1/payments/{razorpay_payment.provider_payment_id}/refund"
    providers.lost_answers.append(refund_path)
    refund = refund_payment(razorpay_payment, idempotency_key="r1")
    assert refund.status == RefundStatus.RETRYING and len(providers.refunds) == 1

    retry_due_refunds(now=later(61))
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and refund.attempts == 2
    assert len(providers.refunds) == 1 and refund.provider_refund_id == providers.refunds[0]["id"]
    assert [r for r in providers.requests if r[1] == refund_path] != []
    assert len([r for r in providers.requests if r[0] == "POST" and r[1] == refund_path]) == 1
    assert user_account(student, AccountKind.WALLET).balance == Decimal("0.00")
    assert verify_balances() == []


def test_razorpay_5xx_is_retried(student, providers, razorpay_payment):
    refund_path = f"/v1/payments/{razorpay_payment.provider_payment_id}/refund"
    providers.fail(refund_path, (500, RAZORPAY_500))
    refund = refund_payment(razorpay_payment, idempotency_key="r1")
    assert refund.status == RefundStatus.RETRYING
    retry_due_refunds(now=later(61))
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and len(providers.refunds) == 1
    assert verify_balances() == []


def test_a_definitive_refusal_is_not_retried_and_goes_to_finance_admins(
    admin, moderator, student, package, providers, pay_for_credits
):
    payment = pay_for_credits(student)
    providers.fail(REFUNDS, (400, STRIPE_ALREADY_REFUNDED))
    refund = refund_payment(payment, idempotency_key="r1")
    assert refund.status == RefundStatus.ATTENTION
    assert refund.attempts == 1 and refund.next_retry_at is None
    assert "already been refunded" in refund.last_error
    assert retry_due_refunds(now=later(86400 * 3))["due"] == 0
    assert len(stripe_posts(providers)) == 1
    notified = Notification.objects.filter(type=ATTENTION)
    assert [n.recipient for n in notified] == [admin]
    assert notified.get().data["refund"] == str(refund.pk)
    payment.refresh_from_db()
    assert payment.amount_refunded == 0
    assert user_account(student, AccountKind.WALLET).balance == Decimal("100.00")
    assert verify_balances() == []
    # Its amount stays spoken for: no second refund of the same money meanwhile.
    from payments.errors import RefundNotAllowed

    with pytest.raises(RefundNotAllowed):
        refund_payment(payment, idempotency_key="r2")


def test_exhausting_the_attempts_notifies_finance_admins(
    admin, student, role_user, package, providers, pay_for_credits, settings
):
    from django.contrib.auth.models import Group, Permission

    settings.REFUND_RETRY_DELAYS = [60, 300]
    bookkeeper = role_user(email="books@example.com")
    group = Group.objects.create(name="Refunders")
    group.permissions.set(Permission.objects.filter(codename="add_refund"))
    bookkeeper.groups.add(group)

    payment = pay_for_credits(student)
    providers.fail(REFUNDS, (500, STRIPE_500), (429, STRIPE_500), (503, STRIPE_500))
    refund = refund_payment(payment, idempotency_key="r1")
    assert retry_due_refunds(now=later(61))["retrying"] == 1
    refund.refresh_from_db()
    assert later(290) < refund.next_retry_at < later(310)  # the second delay
    assert not Notification.objects.filter(type=ATTENTION).exists()
    assert retry_due_refunds(now=later(301))["attention"] == 1
    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.next_retry_at) == (
        RefundStatus.ATTENTION,
        3,
        None,
    )
    assert sorted(n.recipient.email for n in Notification.objects.filter(type=ATTENTION)) == sorted(
        [admin.email, bookkeeper.email]
    )
    assert retry_due_refunds(now=later(86400))["due"] == 0
    assert providers.refunds == [] and len(stripe_posts(providers)) == 3
    assert verify_balances() == []


def test_a_webhook_settles_a_refund_waiting_for_its_retry(
    client, student, package, providers, pay_for_credits
):
    payment = pay_for_credits(student)
    providers.fail(REFUNDS, (500, STRIPE_500))
    refund = refund_payment(payment, idempotency_key="r1")
    assert refund.status == RefundStatus.RETRYING
    # The refund went through at Stripe after all (or someone made it in the dashboard with
    # our metadata): Stripe reports it.
    event = {
        "id": "re_from_dashboard",
        "object": "refund",
        "amount": 1000,
        "currency": "usd",
        "payment_intent": payment.provider_order_id,
        "status": "succeeded",
        "metadata": {"refund_id": str(refund.pk), "payment_id": str(payment.pk)},
    }
    for event_type in ("refund.created", "refund.updated"):
        payload, headers = stripe_event(event_type, event)
        answer = client.post(
            "/api/v1/payments/webhooks/stripe/", payload, content_type="application/json", **headers
        )
        assert answer.status_code == 200
    refund.refresh_from_db()
    assert (refund.status, refund.provider_refund_id, refund.next_retry_at) == (
        RefundStatus.SUCCEEDED,
        "re_from_dashboard",
        None,
    )
    assert Refund.objects.count() == 1
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("10.00")
    assert retry_due_refunds(now=later(86400))["due"] == 0
    assert len(stripe_posts(providers)) == 1  # never sent again
    assert verify_balances() == []


def test_razorpay_refund_processed_settles_a_refund_needing_attention(
    client, student, providers, razorpay_payment, settings
):
    settings.REFUND_RETRY_DELAYS = []
    refund_path = f"/v1/payments/{razorpay_payment.provider_payment_id}/refund"
    providers.fail(refund_path, (500, RAZORPAY_500))
    refund = refund_payment(razorpay_payment, idempotency_key="r1")
    assert refund.status == RefundStatus.ATTENTION  # no retries configured
    remote = {
        "id": "rfnd_dashboard",
        "entity": "refund",
        "amount": 80000,
        "currency": "INR",
        "payment_id": razorpay_payment.provider_payment_id,
        "notes": {"refund_id": str(refund.pk)},
        "status": "processed",
    }
    payload, headers = razorpay_event("refund.processed", {"refund": {"entity": remote}})
    for _ in range(2):
        client.post(
            "/api/v1/payments/webhooks/razorpay/",
            payload,
            content_type="application/json",
            **headers,
        )
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    razorpay_payment.refresh_from_db()
    assert razorpay_payment.amount_refunded == razorpay_payment.amount
    assert user_account(student, AccountKind.WALLET).balance == Decimal("0.00")
    assert verify_balances() == []


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_a_due_refund_once(student, package, providers, pay_for_credits):
    payment = pay_for_credits(student)
    providers.fail(REFUNDS, (500, STRIPE_500))
    refund = refund_payment(payment, idempotency_key="r1")
    assert refund.status == RefundStatus.RETRYING
    providers.delay = 0.3  # the send takes a while: the second sweep runs meanwhile
    start = threading.Barrier(2)
    results: list[dict[str, int]] = []

    def sweep() -> None:
        try:
            start.wait()
            results.append(retry_due_refunds(now=later(61)))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sum(r["succeeded"] for r in results) == 1
    assert len(providers.refunds) == 1
    assert len(stripe_posts(providers)) == 2  # the failed first send and one retry
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and refund.attempts == 2
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("10.00")
    assert verify_balances() == []


def test_a_send_whose_worker_died_is_taken_over_after_its_lease(
    student, package, providers, pay_for_credits, settings
):
    payment = pay_for_credits(student)
    # What a worker that died after recording the refund, before Stripe answered, leaves.
    refund = Refund.objects.create(
        payment=payment,
        amount=Decimal("10.00"),
        idempotency_key="r1",
        attempts=1,
        next_retry_at=later(900),  # REFUND_SEND_LEASE_SECONDS
    )
    assert retry_due_refunds()["due"] == 0  # still within its lease: maybe still sending
    assert retry_due_refunds(now=later(901))["succeeded"] == 1
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and refund.attempts == 2
    assert len(providers.refunds) == 1
    assert verify_balances() == []
