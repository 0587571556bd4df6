"""Earnings net of commission, payout requests, approval and statements."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from credits.models import AccountKind
from credits.services import platform_account, user_account, verify_balances
from payouts.models import CommissionRule, PayeeProfile, PayoutRequest, PayoutStatus
from payouts.services import accrue_earning, pay_payout, reject_payout, schedule_payouts

pytestmark = pytest.mark.django_db


@pytest.fixture
def earned(teacher):
    CommissionRule.objects.create(role=Role.TEACHER, tier="standard", rate_percent=Decimal("20"))
    CommissionRule.objects.create(role=Role.TEACHER, tier="pro", rate_percent=Decimal("10"))
    accrue_earning(
        teacher, gross=Decimal("100"), currency="USD", role=Role.TEACHER, idempotency_key="b1"
    )
    return teacher


def test_commission_depends_on_role_and_tier(earned, teacher):
    assert user_account(teacher, AccountKind.EARNINGS, "USD").balance == Decimal("80.00")
    assert platform_account(AccountKind.COMMISSIONS, "USD").balance == Decimal("20.00")
    PayeeProfile.objects.create(user=teacher, tier="pro")
    accrue_earning(
        teacher, gross=Decimal("100"), currency="USD", role=Role.TEACHER, idempotency_key="b2"
    )
    assert user_account(teacher, AccountKind.EARNINGS, "USD").balance == Decimal("170.00")
    accrue_earning(
        teacher, gross=Decimal("100"), currency="USD", role=Role.TEACHER, idempotency_key="b2"
    )
    assert user_account(teacher, AccountKind.EARNINGS, "USD").balance == Decimal("170.00")


def test_payout_request_holds_earnings_and_admin_pays_it(api_client, earned, teacher, admin):
    api_client.force_login(teacher)
    body = {"amount": "50.00", "currency": "USD", "method": "bank_transfer"}
    response = api_client.post("/api/v1/payouts/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert response.status_code == 201, response.json()
    again = api_client.post("/api/v1/payouts/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert again.json()["id"] == response.json()["id"]
    assert user_account(teacher, AccountKind.EARNINGS, "USD").balance == Decimal("30.00")
    too_much = api_client.post("/api/v1/payouts/", {**body, "amount": "31.00"}, format="json")
    assert too_much.status_code == 409
    assert too_much.json()["code"] == "insufficient_funds"

    from payouts.models import PayoutRequest

    payout = PayoutRequest.objects.get(pk=response.json()["id"])
    pay_payout(payout, by=admin, reference="BANK-REF-1")
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID
    assert platform_account(AccountKind.PAYOUTS_IN_TRANSIT, "USD").balance == Decimal("0.00")
    assert verify_balances() == []


def test_rejected_payout_returns_the_earnings(earned, teacher, admin):
    from payouts.services import request_payout

    payout = request_payout(
        teacher, amount=Decimal("80"), currency="USD", method="bank_transfer", idempotency_key="x"
    )
    reject_payout(payout, by=admin, note="bank details missing")
    assert user_account(teacher, AccountKind.EARNINGS, "USD").balance == Decimal("80.00")


def test_stripe_connect_payout_and_scheduled_runs(earned, teacher, admin, settings):
    from payments.testing import FakeProviders

    fake = FakeProviders()
    try:
        settings.STRIPE_SECRET_KEY = "sk_test_toto"
        settings.STRIPE_API_BASE = fake.url
        PayeeProfile.objects.create(
            user=teacher, stripe_account_id="acct_1Teacher", scheduled_payouts=True
        )
        assert schedule_payouts() == 1
        assert schedule_payouts() == 0  # nothing left, and the same day is keyed once
        payout = teacher.payout_requests.get()
        assert payout.scheduled and payout.amount == Decimal("80.00")
        pay_payout(payout, by=admin)
        payout.refresh_from_db()
        assert payout.reference.startswith("tr_")
        sent = fake.requests[-1][2]
        assert sent["destination"] == "acct_1Teacher" and sent["amount"] == "8000"
    finally:
        fake.close()


def test_statement_csv_and_list_queries(
    api_client, earned, teacher, other_student, assert_num_queries
):
    api_client.force_login(teacher)
    response = api_client.get("/api/v1/payouts/statement/")
    assert response["Content-Type"] == "text/csv"
    lines = response.content.decode().strip().splitlines()
    assert lines[0].startswith("date,kind") and lines[1].endswith(",USD,80.00,80.00")
    api_client.get("/api/v1/payouts/")
    with assert_num_queries(4):  # session, user, email verified, count (no rows)
        assert api_client.get("/api/v1/payouts/").json()["count"] == 0


def test_a_website_payout_goes_to_the_payees_own_account_or_asks_for_one(teacher) -> None:
    """The earnings pages' one rule (teachers and partners): Stripe when connected, else a
    bank transfer, which needs bank details first; refused, nothing moves."""
    from payouts.errors import NoPayoutMethod
    from payouts.models import PayoutMethod
    from payouts.services import request_payout_to_own_account

    accrue_earning(
        teacher, gross=Decimal("100"), currency="USD", role=Role.TEACHER, idempotency_key="w"
    )
    with pytest.raises(NoPayoutMethod):
        request_payout_to_own_account(
            teacher, amount=Decimal("10"), currency="USD", idempotency_key="w1"
        )
    assert not PayoutRequest.objects.filter(payee=teacher).exists()
    PayeeProfile.objects.update_or_create(
        user=teacher, defaults={"stripe_account_id": "acct_1Teacher"}
    )
    payout = request_payout_to_own_account(
        teacher, amount=Decimal("10"), currency="USD", idempotency_key="w2"
    )
    assert payout.method == PayoutMethod.STRIPE_CONNECT
