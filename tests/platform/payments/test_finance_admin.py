"""The finance dashboard and its queues in the Wagtail admin."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from payouts.services import accrue_earning, request_payout

pytestmark = pytest.mark.django_db


def test_dashboard_shows_queues_and_admin_pays_a_payout(client, admin, teacher, student):
    accrue_earning(
        teacher, gross=Decimal("100"), currency="USD", role=Role.TEACHER, idempotency_key="e"
    )
    payout = request_payout(
        teacher, amount=Decimal("50"), currency="USD", method="bank_transfer", idempotency_key="p"
    )
    client.force_login(admin)
    page = client.get("/admin/finance/")
    assert page.status_code == 200
    assert b"Payout approval queue" in page.content and b"50.00 USD" in page.content
    client.post(f"/admin/finance/payouts/{payout.pk}/", {"decision": "pay", "reference": "SEPA-1"})
    payout.refresh_from_db()
    assert payout.status == "paid" and payout.reference == "SEPA-1"
    for url in (
        "/admin/finance/payments/",
        "/admin/finance/ledger/",
        "/admin/finance/payouts/",
        "/admin/finance/referrals/",
        "/admin/snippets/credits/plan/",
    ):
        assert client.get(url).status_code == 200, url


def test_students_cannot_open_the_dashboard(client, student):
    client.force_login(student)
    assert client.get("/admin/finance/").status_code in (302, 403)


def test_payouts_and_referrals_add_their_screens_to_the_finance_menus(client, admin):
    """payments doesn't import payouts or referrals: they add their menu items and dashboard
    panels through payments.finance_admin's hooks, and those still show."""
    client.force_login(admin)
    home = client.get("/admin/").content.decode()
    for label in ("Payout queue", "Payee profiles", "Referrals", "Commission rules", "Ledger"):
        assert label in home, label
    dashboard = client.get("/admin/finance/").content.decode()
    assert "Outstanding payouts" in dashboard and "Flagged referrals" in dashboard
    assert dashboard.index("Amount mismatches") < dashboard.index("Payout approval queue")
