"""The disputes demo: a refund request waiting for a finance admin and an open chargeback
with the learner's evidence, made through the services, unchanged by a second run."""

import pytest

from credits.services import verify_balances
from disputes.models import Dispute, DisputeStatus, Evidence, RefundRequest, RefundRequestStatus
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _run_demo_up_to_disputes() -> list[str]:
    from accounts import demo as accounts_demo
    from credits import demo as credits_demo
    from disputes import demo
    from payments import demo as payments_demo

    steps = [
        *accounts_demo.DEMO_STEPS,
        *credits_demo.DEMO_STEPS,
        *payments_demo.DEMO_STEPS,
        *demo.DEMO_STEPS,
    ]
    return [step() for step in steps]


def test_the_demo_has_a_waiting_refund_request_and_an_open_dispute_once(providers) -> None:  # type: ignore[no-untyped-def]
    first = _run_demo_up_to_disputes()
    assert "student@toto.localhost: 1 refund request (Waiting for a decision)" in first
    assert "student@toto.localhost: 1 open chargeback (dp_demo_starter)" in first
    request = RefundRequest.objects.get()
    assert (request.user.email, request.status, request.automatic) == (
        "student@toto.localhost",
        RefundRequestStatus.PENDING,
        False,
    )
    dispute = Dispute.objects.get()
    assert (dispute.learner.email, dispute.status, dispute.payment.idempotency_key) == (
        "student@toto.localhost",
        DisputeStatus.EVIDENCE,
        "demo:payment:starter",
    )
    assert Evidence.objects.filter(dispute=dispute).count() == 1
    assert providers.refunds == []  # nothing was refunded at Stripe
    notified = Notification.objects.count()

    second = _run_demo_up_to_disputes()
    assert "refund requests: already there" in second
    assert "disputes: already there" in second
    assert (RefundRequest.objects.count(), Dispute.objects.count(), Evidence.objects.count()) == (
        1,
        1,
        1,
    )
    assert Notification.objects.count() == notified
    assert verify_balances() == []
