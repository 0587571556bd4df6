"""A pack refunded after the teacher's earnings were paid out: the finance admin's refund
form goes through, the teacher gives back what their earnings still hold, the platform's
revenue fronts the rest as a debt of the teacher (never a negative balance), shown to them,
and their next pack sale repays it first."""

import re
from decimal import Decimal
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def _admin_refund(client: Any, admin: Any, payment: Any, amount: str = "") -> Any:
    client.force_login(admin)
    url = f"/admin/finance/payments/{payment.pk}/refund/"
    form = client.get(url)
    nonce = re.search(rb'name="nonce" value="([0-9a-f-]+)"', form.content).group(1).decode()
    return client.post(url, {"amount": amount, "reason": "Not as described", "nonce": nonce})


def _pay_out(teacher: Any, admin: Any, amount: str) -> None:
    from payouts.services import pay_payout, request_payout

    payout = request_payout(
        teacher,
        amount=Decimal(amount),
        currency="EUR",
        method="bank_transfer",
        idempotency_key=f"test-payout:{amount}",
    )
    pay_payout(payout, by=admin, reference="SEPA-1")


def test_refund_after_payout_becomes_a_debt_repaid_by_the_next_sale(
    client: Any,
    api_client: Any,
    admin: Any,
    teacher: Any,
    student: Any,
    other_student: Any,
    make_pack: Any,
    buy_pack: Any,
    assert_num_queries: Any,
) -> None:
    from credits.models import AccountKind, Transfer
    from credits.services import platform_account, user_account, verify_balances
    from materials.models import EarningsDebt, PackPurchase
    from payments.models import Refund, RefundStatus

    pack = make_pack(teacher, price="10.00")
    payment = buy_pack(pack["id"], student)
    earnings = user_account(teacher, AccountKind.EARNINGS, "EUR")
    earnings.refresh_from_db()
    assert earnings.balance == Decimal("8.00")  # 10.00 less the 20 % commission
    _pay_out(teacher, admin, "6.00")  # 2.00 left in earnings

    answer = _admin_refund(client, admin, payment)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    refund = Refund.objects.get()
    assert refund.status == RefundStatus.SUCCEEDED
    earnings.refresh_from_db()
    assert earnings.balance == Decimal("0.00")  # never below zero
    assert platform_account(AccountKind.COMMISSIONS, "EUR").balance == Decimal("0.00")
    # The platform fronted the 6.00 already paid out.
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("-6.00")
    debt = EarningsDebt.objects.get()
    assert (debt.teacher, debt.refund, debt.amount, debt.outstanding) == (
        teacher,
        refund,
        Decimal("6.00"),
        Decimal("6.00"),
    )
    assert Transfer.objects.get(idempotency_key=f"refund:{refund.pk}").metadata == {
        "teacher_debt": "6.00"
    }
    assert PackPurchase.objects.get(learner=student).status == "refunded"
    assert verify_balances() == []

    # The teacher sees it on their library page and in the API.
    client.force_login(teacher)
    page = client.get("/materials/library/").content.decode()
    assert 'data-testid="debts"' in page and "<strong>6.00 EUR</strong>" in page
    api_client.force_login(teacher)
    with assert_num_queries(4):  # session, user, count, page (pack joined)
        listed = api_client.get("/api/v1/materials/debts/").json()
    assert [(row["outstanding"], row["pack_title"]) for row in listed["results"]] == [
        ("6.00", "Spanish A2 pack")
    ]
    api_client.force_login(student)
    assert api_client.get("/api/v1/materials/debts/").json()["count"] == 0
    from materials.personal_data import export_personal_data

    assert [row["amount"] for row in export_personal_data(teacher)["refund_debts"]] == ["6.00"]

    # The next sale (8.00 net) repays the debt first: 6.00 to revenue, 2.00 to earnings.
    buy_pack(pack["id"], other_student)
    earnings.refresh_from_db()
    assert earnings.balance == Decimal("2.00")
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("0.00")
    debt.refresh_from_db()
    assert debt.outstanding == 0 and debt.settled_at is not None
    assert verify_balances() == []
    client.force_login(teacher)
    assert 'data-testid="debts"' not in client.get("/materials/library/").content.decode()


def test_a_debt_larger_than_the_next_sale_is_repaid_over_several(
    client: Any,
    admin: Any,
    teacher: Any,
    student: Any,
    role_user: Any,
    make_pack: Any,
    buy_pack: Any,
) -> None:
    from accounts.roles import Role
    from credits.models import AccountKind
    from credits.services import user_account, verify_balances
    from materials.models import EarningsDebt

    expensive = make_pack(teacher, title="Big", price="50.00")
    cheap = make_pack(teacher, title="Small", price="5.00")
    payment = buy_pack(expensive["id"], student)
    _pay_out(teacher, admin, "40.00")  # all of it
    _admin_refund(client, admin, payment, amount="25.00")  # half: 20.00 of the teacher's
    debt = EarningsDebt.objects.get()
    assert debt.amount == Decimal("20.00")

    for _ in range(2):
        buy_pack(cheap["id"], role_user(Role.STUDENT))  # 4.00 net each
    debt.refresh_from_db()
    assert (debt.recovered, debt.outstanding, debt.settled_at) == (
        Decimal("8.00"),
        Decimal("12.00"),
        None,
    )
    assert user_account(teacher, AccountKind.EARNINGS, "EUR").balance == Decimal("0.00")
    assert verify_balances() == []


def test_refund_before_payout_takes_no_debt(
    client: Any, admin: Any, teacher: Any, student: Any, make_pack: Any, buy_pack: Any
) -> None:
    from credits.models import AccountKind
    from credits.services import platform_account, user_account
    from materials.models import EarningsDebt

    pack = make_pack(teacher, price="10.00")
    payment = buy_pack(pack["id"], student)
    _admin_refund(client, admin, payment, amount="5.00")
    assert user_account(teacher, AccountKind.EARNINGS, "EUR").balance == Decimal("4.00")
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("0.00")
    assert not EarningsDebt.objects.exists()


def test_finance_admins_see_the_debts_read_only(
    client: Any, admin: Any, teacher: Any, student: Any, make_pack: Any, buy_pack: Any
) -> None:
    from materials.models import EarningsDebt

    pack = make_pack(teacher, price="10.00")
    payment = buy_pack(pack["id"], student)
    _pay_out(teacher, admin, "8.00")
    _admin_refund(client, admin, payment)
    debt = EarningsDebt.objects.get()
    listing = client.get("/admin/materials/debts/")
    assert listing.status_code == 200
    assert teacher.email in listing.content.decode() and "8.00" in listing.content.decode()
    inspect = client.get(f"/admin/materials/debts/inspect/{debt.pk}/")
    assert inspect.status_code == 200
    assert client.get(f"/admin/materials/debts/edit/{debt.pk}/").status_code == 404
    assert client.get("/admin/materials/debts/add/").status_code == 404
