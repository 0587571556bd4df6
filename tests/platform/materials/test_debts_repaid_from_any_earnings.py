"""A teacher's refund debt (a pack refunded after a payout) is repaid from any earnings in
its currency, not only pack sales: a delivered lesson, a payout's hold coming back, two
earnings credited at once. Payout requests cannot take what is owed, and the teacher's
wallet (earnings summary) and dashboard show the debt."""

import re
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import close_old_connections, connection

pytestmark = pytest.mark.django_db


def start_in(days: int) -> datetime:
    return (datetime.now(tz=UTC) + timedelta(days=days)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )


def _admin_refund(client: Any, admin: Any, payment: Any) -> None:
    client.force_login(admin)
    url = f"/admin/finance/payments/{payment.pk}/refund/"
    form = client.get(url)
    nonce = re.search(rb'name="nonce" value="([0-9a-f-]+)"', form.content).group(1).decode()
    answer = client.post(url, {"amount": "", "reason": "Not as described", "nonce": nonce})
    assert answer.status_code == 302, answer.content.decode()[:2000]


@pytest.fixture
def owe(client: Any, admin: Any, make_pack: Any, buy_pack: Any, role_user: Any) -> Any:
    """Makes ``teacher`` owe 80 % of each price in EUR, one debt per price, oldest first:
    packs sold, every cent of them paid out, then refunded in full by the finance admin's
    form."""
    from accounts.roles import Role
    from payouts.services import pay_payout, request_payout

    def make(teacher: Any, *prices: str) -> list[Any]:
        from materials.models import EarningsDebt

        payments = []
        for number, price in enumerate(prices):
            pack = make_pack(teacher, title=f"Pack {number}", price=price)
            payments.append(buy_pack(pack["id"], role_user(Role.STUDENT)))
        payout = request_payout(
            teacher,
            amount=sum(Decimal(price) for price in prices) * Decimal("0.8"),
            currency="EUR",
            method="bank_transfer",
            idempotency_key=f"paid-out:{payments[0].pk}",
        )
        pay_payout(payout, by=admin, reference="SEPA-1")
        for payment in payments:
            _admin_refund(client, admin, payment)
        return [EarningsDebt.objects.get(refund__payment=payment) for payment in payments]

    return make


def _deliver(api_client: Any, booking: Any) -> None:
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


def _balances(teacher: Any) -> tuple[Decimal, Decimal]:
    from credits.models import AccountKind
    from credits.services import platform_account, user_account

    return (
        user_account(teacher, AccountKind.EARNINGS, "EUR").balance,
        platform_account(AccountKind.REVENUE, "EUR").balance,
    )


def test_a_delivered_lesson_repays_debts_oldest_first_partially_then_in_full(
    api_client: Any, teacher: Any, owe: Any, make_listing: Any, paid_booking: Any
) -> None:
    from credits.models import Transfer
    from credits.services import verify_balances

    older, newer = owe(teacher, "25.00", "20.00")  # owes 20.00, then 16.00
    assert _balances(teacher) == (Decimal("0.00"), Decimal("-36.00"))  # revenue fronted both

    listing = make_listing(teacher, booking_horizon_days=3660)
    _deliver(api_client, paid_booking(start_in(10), listing=listing))
    # 30.00 less the lessons' 15 % commission = 25.50: 20.00 repays the older debt, 5.50
    # goes to the newer one, nothing reaches the earnings account.
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.outstanding, older.settled_at is not None) == (Decimal("0.00"), True)
    assert (newer.recovered, newer.outstanding, newer.settled_at) == (
        Decimal("5.50"),
        Decimal("10.50"),
        None,
    )
    assert _balances(teacher) == (Decimal("0.00"), Decimal("-10.50"))
    earning = Transfer.objects.get(kind="tutoring_earning")
    recovery = Transfer.objects.get(idempotency_key=f"debt-recovery:{earning.idempotency_key}")
    assert recovery.kind == "materials_debt_recovery"
    assert recovery.metadata == {"debts": {str(older.pk): "20.00", str(newer.pk): "5.50"}}
    assert sorted(recovery.entries.values_list("account__kind", "amount")) == [
        ("earnings", Decimal("-25.50")),
        ("revenue", Decimal("25.50")),
    ]

    # The next lesson settles the rest; the remainder is the teacher's.
    _deliver(api_client, paid_booking(start_in(11), listing=listing))
    newer.refresh_from_db()
    assert newer.outstanding == 0 and newer.settled_at is not None
    assert _balances(teacher) == (Decimal("15.00"), Decimal("0.00"))
    assert verify_balances() == []


def test_a_gift_in_a_live_group_session_repays_the_debt(
    api_client: Any,
    client: Any,
    teacher: Any,
    owe: Any,
    make_listing: Any,
    make_gig: Any,
    student: Any,
    providers: Any,
) -> None:
    from django.utils import timezone

    from credits.services import verify_balances
    from payments.models import Payment
    from payments.testing import deliver_payment_succeeded
    from tutoring.models import Booking, GroupSession
    from tutoring.services import group_sessions
    from tutoring.testing import pay_with_stripe

    (debt,) = owe(teacher, "10.00")  # owes 8.00
    listing = make_listing(teacher)
    session = group_sessions.publish(
        make_gig(listing),
        by=teacher,
        topic="Charla",
        start=start_in(3),
        minutes=60,
        price=Decimal("8.00"),
        seats=4,
    )
    api_client.force_login(student)
    seat = api_client.post(f"/api/v1/group-sessions/{session.pk}/book/").json()
    pay_with_stripe(api_client, client, providers, seat["id"])
    now = timezone.now()  # the session's time comes
    moved = {"start": now - timedelta(minutes=5), "end": now + timedelta(minutes=55)}
    GroupSession.objects.filter(pk=session.pk).update(**moved)
    Booking.objects.filter(group_session=session).update(
        **moved, blocked_start=moved["start"], blocked_end=moved["end"]
    )
    sent = api_client.post(
        f"/api/v1/sessions/{session.pk}/gifts/", {"amount": "5.00", "provider": "stripe"}
    )
    assert sent.status_code == 201, sent.json()
    payment = Payment.objects.get(pk=sent.json()["checkout"]["payment_id"])
    deliver_payment_succeeded(providers, payment, client)

    debt.refresh_from_db()
    assert (debt.recovered, debt.outstanding) == (Decimal("4.25"), Decimal("3.75"))  # 5 - 15 %
    # Revenue: the seat held until the session is delivered, less the 3.75 still fronted.
    assert _balances(teacher) == (Decimal("0.00"), Decimal("4.25"))
    assert verify_balances() == []


def test_payout_requests_cannot_take_what_is_owed(
    api_client: Any, teacher: Any, admin: Any, owe: Any, assert_num_queries: Any
) -> None:
    from credits.services import verify_balances
    from payouts.services import accrue_earning, reject_payout, request_payout

    (debt,) = owe(teacher, "10.00")  # owes 8.00, earnings 0
    api_client.force_login(teacher)
    with assert_num_queries(9):  # session, user, accounts, plan (4), one per kind of debt (2)
        wallet = api_client.get("/api/v1/wallet/").json()
    assert wallet["earnings"] == [
        {"currency": "EUR", "balance": "0.00", "outstanding_debt": "8.00", "payable": "0.00"}
    ]
    body = {"amount": "1.00", "currency": "EUR", "method": "bank_transfer"}
    refused = api_client.post("/api/v1/payouts/", body, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "insufficient_funds"
    assert refused.json()["message"] == (
        "You can ask for up to 0.00 EUR: you owe 8.00 EUR for refunds made after an earlier "
        "payout, repaid first from your earnings."
    )

    # An earning of 20.00 net: 8.00 repays the debt, 12.00 is payable.
    from accounts.roles import Role

    accrue_earning(
        teacher, gross=Decimal("25.00"), currency="EUR", role=Role.TEACHER, idempotency_key="e1"
    )
    debt.refresh_from_db()
    assert debt.outstanding == 0
    wallet = api_client.get("/api/v1/wallet/").json()
    assert wallet["earnings"] == [
        {"currency": "EUR", "balance": "12.00", "outstanding_debt": "0.00", "payable": "12.00"}
    ]
    too_much = api_client.post("/api/v1/payouts/", {**body, "amount": "12.01"}, format="json")
    assert too_much.status_code == 409
    assert too_much.json()["message"] == "You can ask for up to 12.00 EUR."

    # A payout held, a new debt meanwhile, the payout rejected: its hold coming back to the
    # earnings repays the debt before anything else can take it.
    payout = request_payout(
        teacher,
        amount=Decimal("12.00"),
        currency="EUR",
        method="bank_transfer",
        idempotency_key="p",
    )
    (second,) = owe(teacher, "5.00")  # owes 4.00
    reject_payout(payout, by=admin, note="wrong IBAN")
    second.refresh_from_db()
    assert second.outstanding == 0
    assert _balances(teacher)[0] == Decimal("8.00")
    assert verify_balances() == []


def test_a_debt_recorded_before_lessons_repaid_it_is_settled_by_the_payout_request(
    api_client: Any, teacher: Any, owe: Any, monkeypatch: Any
) -> None:
    """Earnings credited while only pack sales repaid debts (before this change) left a
    balance next to a debt: the payable amount leaves the debt out, and a payout request
    repays it through the ledger before holding the payout."""
    from accounts.roles import Role
    from credits import claims
    from credits.models import Transfer
    from credits.services import verify_balances
    from payouts.models import PayoutRequest
    from payouts.services import accrue_earning

    (debt,) = owe(teacher, "10.00")  # owes 8.00
    monkeypatch.setattr(claims, "_claims", {})  # the old behaviour: lessons ignore debts
    accrue_earning(
        teacher, gross=Decimal("25.00"), currency="EUR", role=Role.TEACHER, idempotency_key="old"
    )
    monkeypatch.undo()
    assert _balances(teacher) == (Decimal("20.00"), Decimal("-8.00"))

    api_client.force_login(teacher)
    wallet = api_client.get("/api/v1/wallet/").json()
    assert wallet["earnings"] == [
        {"currency": "EUR", "balance": "20.00", "outstanding_debt": "8.00", "payable": "12.00"}
    ]
    body = {"amount": "20.00", "currency": "EUR", "method": "bank_transfer"}
    refused = api_client.post("/api/v1/payouts/", body, format="json")
    assert refused.status_code == 409
    assert refused.json()["message"] == (
        "You can ask for up to 12.00 EUR: you owe 8.00 EUR for refunds made after an earlier "
        "payout, repaid first from your earnings."
    )
    assert _balances(teacher) == (Decimal("20.00"), Decimal("-8.00"))  # nothing moved

    made = api_client.post(
        "/api/v1/payouts/", {**body, "amount": "12.00"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert made.status_code == 201, made.json()
    debt.refresh_from_db()
    assert debt.outstanding == 0
    assert _balances(teacher) == (Decimal("0.00"), Decimal("0.00"))
    payout = PayoutRequest.objects.get(pk=made.json()["id"])
    assert Transfer.objects.filter(
        idempotency_key=f"debt-recovery:payout:{payout.idempotency_key}"
    ).exists()
    assert verify_balances() == []


def test_the_teacher_dashboard_shows_what_is_owed(
    client: Any, teacher: Any, owe: Any, make_listing: Any
) -> None:
    make_listing(teacher)
    owe(teacher, "10.00")
    client.force_login(teacher)
    page = client.get("/tutoring/teach/").content.decode()
    assert "Owed to Toto" in page
    assert "<td>EUR</td><td>0</td><td>8.00</td><td>0.00</td>" in page


def test_finance_admins_see_repaid_and_outstanding(
    client: Any, admin: Any, teacher: Any, owe: Any
) -> None:
    from accounts.roles import Role
    from payouts.services import accrue_earning

    (debt,) = owe(teacher, "10.00")  # 8.00
    accrue_earning(
        teacher, gross=Decimal("5.00"), currency="EUR", role=Role.TEACHER, idempotency_key="part"
    )  # 4.00 repaid
    client.force_login(admin)
    listing = client.get("/admin/materials/debts/").content.decode()
    assert "Outstanding" in listing and "Repaid" in listing
    row = listing[listing.index(teacher.email) :]
    assert re.search(r"8\.00.*4\.00.*4\.00", row, re.S)
    inspect = client.get(f"/admin/materials/debts/inspect/{debt.pk}/").content.decode()
    assert "Outstanding" in inspect and "4.00" in inspect


@pytest.mark.django_db(transaction=True)
def test_two_earnings_credited_at_once_never_over_repay(
    client: Any, admin: Any, owe: Any, role_user: Any
) -> None:
    from accounts.roles import Role
    from credits.services import verify_balances
    from materials.models import EarningsDebt
    from payouts.services import accrue_earning

    teacher = role_user(Role.TEACHER)
    (debt,) = owe(teacher, "10.00")  # 8.00
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def earn(number: int) -> None:
        try:
            barrier.wait()
            accrue_earning(
                teacher,
                gross=Decimal("7.50"),  # 6.00 net each: together they cover the debt
                currency="EUR",
                role=Role.TEACHER,
                idempotency_key=f"race-{number}",
            )
        except Exception as error:  # pragma: no cover - reported by the assertion below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=earn, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()

    assert errors == []
    debt = EarningsDebt.objects.get(pk=debt.pk)
    assert (debt.recovered, debt.settled_at is not None) == (Decimal("8.00"), True)
    assert _balances(teacher) == (Decimal("4.00"), Decimal("0.00"))
    assert verify_balances() == []
