"""50 concurrent charges against a balance that covers 10: exactly 10 succeed."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from credits.errors import InsufficientCredits
from credits.models import AccountKind, UsageCharge
from credits.services import charge, user_account, verify_balances


@pytest.mark.django_db(transaction=True)
def test_fifty_racing_charges_spend_exactly_the_balance(feature_price, give_credits):
    from django.contrib.auth import get_user_model

    # A plain user: a transactional test runs after others may have flushed the role groups.
    student = get_user_model().objects.create_user(email="racer@example.com")
    give_credits(student, 10)
    barrier = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(number: int) -> None:
        try:
            barrier.wait()
            charge(student, "tutor-chat", 1, f"race-{number}")
            result = "ok"
        except InsufficientCredits:
            result = "refused"
        except Exception as error:  # pragma: no cover - reported by the assertion below
            result = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    close_old_connections()

    assert sorted(set(outcomes)) == ["ok", "refused"], outcomes
    assert outcomes.count("ok") == 10
    assert UsageCharge.objects.count() == 10
    assert user_account(student, AccountKind.WALLET).balance == Decimal("0.00")
    assert verify_balances() == []
