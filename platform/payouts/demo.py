"""Demo earnings for the demo teacher and a payout request waiting in the admin's approval
queue. Idempotent."""

from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth import get_user_model

from accounts.roles import Role

from .models import PayoutMethod
from .services import accrue_earning, request_payout


def demo_payout_request() -> str:
    teacher = get_user_model().objects.filter(email="teacher@toto.localhost").first()
    if teacher is None:
        return "demo teacher missing: no demo earnings"
    for number in (1, 2, 3):
        accrue_earning(
            teacher,
            gross=Decimal("40"),
            currency="USD",
            role=Role.TEACHER,
            idempotency_key=f"demo:earning:teacher:{number}",
            memo=f"Demo lesson {number}",
        )
    payout = request_payout(
        teacher,
        amount=Decimal("50"),
        currency="USD",
        method=PayoutMethod.BANK_TRANSFER,
        idempotency_key="demo:payout:teacher:1",
    )
    return f"teacher@toto.localhost: earnings for 3 lessons, payout of {payout.amount:f} USD {payout.get_status_display().lower()}"


DEMO_STEPS: list[Callable[[], str]] = [demo_payout_request]
