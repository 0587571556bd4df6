"""The money demo data: payments with invoices (one refunded), a pending payout request and a
referral between demo users, loaded twice without duplicates and with a sound ledger."""

from decimal import Decimal

import pytest

from credits.models import AccountKind
from credits.services import user_account, verify_balances
from payments.models import Invoice, Payment, Refund
from payouts.models import PayoutRequest
from referrals.models import Referral

pytestmark = pytest.mark.django_db


def load() -> list[str]:
    from accounts.demo import DEMO_STEPS as accounts_steps
    from credits.demo import DEMO_STEPS as credits_steps
    from payments.demo import DEMO_STEPS as payments_steps
    from payouts.demo import DEMO_STEPS as payouts_steps
    from referrals.demo import DEMO_STEPS as referrals_steps

    steps = [*accounts_steps, *credits_steps, *payments_steps, *payouts_steps, *referrals_steps]
    return [step() for step in steps]


def test_money_demo_data_is_believable_and_idempotent(client):
    first = load()
    second = load()
    assert first[-3:] == second[-3:]
    assert Payment.objects.filter(status="succeeded").count() == 2
    refunded = Payment.objects.get(amount_refunded__gt=0)
    assert refunded.amount_refunded == refunded.amount
    assert Refund.objects.get().status == "succeeded"
    assert sorted(Invoice.objects.values_list("kind", flat=True)) == [
        "credit_note",
        "invoice",
        "invoice",
    ]
    student = refunded.user
    # 50 welcome credits + the starter's 100; the refunded learner package's 500 went back.
    assert user_account(student, AccountKind.WALLET).balance == Decimal("150.00")
    payout = PayoutRequest.objects.get()
    assert (payout.payee.email, payout.status, payout.amount) == (
        "teacher@toto.localhost",
        "requested",
        Decimal("50.00"),
    )
    referral = Referral.objects.get()
    assert (referral.referrer.email, referral.referred.email, referral.status) == (
        "student@toto.localhost",
        "teacher@toto.localhost",
        "pending",
    )
    assert verify_balances() == []

    client.force_login(student)
    html = client.get("/payments/").content.decode()
    assert html.count("(PDF)") == 3 and "status-refunded" in html
