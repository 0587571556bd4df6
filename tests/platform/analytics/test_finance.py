"""The finance dashboard's totals come from the ledger's daily rollup and equal the ledger."""

from decimal import Decimal

import pytest

from analytics import selectors, services
from credits.models import AccountKind, Entry, LedgerAccount

pytestmark = pytest.mark.django_db


def balance(kind: str, currency: str = "USD") -> Decimal:
    return sum(
        (a.balance for a in LedgerAccount.objects.filter(kind=kind, currency=currency)),
        Decimal("0"),
    )


def test_dashboard_totals_equal_the_ledgers(
    client,
    admin,
    student,
    other_student,
    teacher,
    package,
    pay_for_credits,
    django_capture_on_commit_callbacks,
) -> None:
    from accounts.roles import Role
    from payments.services import refund_payment
    from payouts.services import accrue_earning

    first = pay_for_credits(student)
    pay_for_credits(other_student)
    with django_capture_on_commit_callbacks(execute=True):
        refund_payment(first, amount=Decimal("4.00"), reason="Unhappy", idempotency_key="r1")
        accrue_earning(
            teacher, gross=Decimal("50.00"), currency="USD", role=Role.TEACHER, idempotency_key="e1"
        )
    today = selectors.today()
    services.roll_up_day(today)

    totals = selectors.finance_totals(today, today, "USD")
    paid = first.amount * 2
    assert totals["takings"] == {"Credits": paid, "Marketplace sales": Decimal("50.00")}
    assert totals["refunds"] == Decimal("4.00")
    # Against the ledger itself: what the providers hold for us, and what we earned.
    assert totals["takings_total"] - totals["refunds"] - totals["payouts_paid"] == -balance(
        AccountKind.PROVIDER_CLEARING
    )
    assert totals["commission"] == balance(AccountKind.COMMISSIONS) > 0
    sales = sum(
        (
            -e.amount
            for e in Entry.objects.filter(
                account__kind=AccountKind.PROVIDER_CLEARING, transfer__kind="credit_sale"
            )
        ),
        Decimal("0"),
    )
    assert totals["takings"]["Credits"] == sales
    check = selectors.ledger_check("USD")
    assert check["ok"] is True
    assert {line["account"] for line in check["lines"]} >= {
        "provider_clearing",
        "revenue",
        "commissions",
        "earnings",
    }

    pending = selectors.payouts_pending(selectors.Scope(today, today))
    assert pending["rows"] == [["USD", str(balance(AccountKind.EARNINGS)), "0"]]

    client.force_login(admin)
    page = client.get("/admin/analytics/finance/?days=30&currency=USD")
    assert page.status_code == 200
    assert b"Reconciled with the ledger" in page.content
    assert f'data-total="takings">{totals["takings_total"]}<'.encode() in page.content
    assert f'data-total="commission">{totals["commission"]}<'.encode() in page.content


def test_a_ledger_entry_missing_from_the_rollup_shows_as_a_mismatch(
    student, package, pay_for_credits
) -> None:
    pay_for_credits(student)
    # Not rolled up: the rollup says 0, the ledger does not.
    assert selectors.ledger_check("USD")["ok"] is False
    services.roll_up_day(selectors.today())
    assert selectors.ledger_check("USD")["ok"] is True
