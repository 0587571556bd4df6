"""A refund request for a material pack: no download is recorded, so the policy grants
nothing by itself and every request waits for a finance admin (the teacher is told); a full
approval refunds through the ledger and ends the buyer's access."""

from decimal import Decimal
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_a_pack_request_always_waits_and_a_full_approval_ends_access(
    client: Any,
    api_client: Any,
    admin: Any,
    teacher: Any,
    student: Any,
    make_pack: Any,
    buy_pack: Any,
    providers: Any,
) -> None:
    from credits.models import AccountKind
    from credits.services import user_account, verify_balances
    from disputes.models import RefundRequest, RefundRequestStatus
    from materials.models import PackPurchase, PurchaseStatus
    from notifications.models import Notification

    pack = make_pack(teacher, price="10.00")
    payment = buy_pack(pack["id"], student)
    api_client.force_login(student)
    answer = api_client.post(
        "/api/v1/refund-requests/",
        {"payment": str(payment.pk), "reason": "not_as_described", "details": "Blank pages"},
        format="json",
    )
    assert answer.status_code == 201, answer.json()
    assert (answer.json()["status"], answer.json()["automatic"]) == ("pending", False)
    assert providers.refunds == []
    # The teacher who was paid hears of it, and the admin's queue has it.
    assert Notification.objects.filter(
        recipient=teacher, type="disputes.refund_request_filed"
    ).exists()
    request = RefundRequest.objects.get()
    client.force_login(admin)
    decided = client.post(
        f"/admin/finance/refund-requests/decide/{request.pk}/",
        {"decision": "approve", "amount": "", "note": "Broken files"},
    )
    assert decided.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.amount_approved) == (
        RefundRequestStatus.APPROVED,
        Decimal("10.00"),
    )
    assert [r["amount"] for r in providers.refunds] == [1000]
    purchase = PackPurchase.objects.get(payment=payment)
    assert purchase.status == PurchaseStatus.REFUNDED
    assert user_account(teacher, AccountKind.EARNINGS, "EUR").balance == Decimal("0.00")
    assert verify_balances() == []
