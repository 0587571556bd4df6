"""charge(): who pays (plan, allowance, wallet), idempotency and the 402 refusal."""

from decimal import Decimal

import pytest
from django.db import connection

from credits.errors import IdempotencyConflict, InsufficientCredits, UnknownFeature
from credits.models import AccountKind, Entry, UsageCharge
from credits.services import activate_subscription, charge, user_account, verify_balances

pytestmark = pytest.mark.django_db


def balance(user, kind=AccountKind.WALLET) -> Decimal:
    return user_account(user, kind).balance


def test_charge_takes_credits_from_the_wallet(student, feature_price, give_credits):
    give_credits(student, 10)
    usage = charge(student, "tutor-chat", 3, "req-1")
    assert usage.credits == Decimal("3.00")
    assert balance(student) == Decimal("7.00")
    assert verify_balances() == []


def test_same_key_charges_once(student, feature_price, give_credits):
    give_credits(student, 10)
    first = charge(student, "tutor-chat", 3, "req-1")
    again = charge(student, "tutor-chat", 3, "req-1")
    assert first.pk == again.pk
    assert balance(student) == Decimal("7.00")


def test_key_reused_by_another_user_is_a_conflict(
    student, other_student, feature_price, give_credits
):
    give_credits(student, 10)
    charge(student, "tutor-chat", 1, "req-1")
    with pytest.raises(IdempotencyConflict):
        charge(other_student, "tutor-chat", 1, "req-1")


def test_insufficient_credits_charges_nothing(student, feature_price, give_credits):
    give_credits(student, 2)
    with pytest.raises(InsufficientCredits) as error:
        charge(student, "tutor-chat", 3, "req-1")
    assert error.value.status_code == 402
    assert error.value.get_codes() == "insufficient_credits"
    assert balance(student) == Decimal("2.00")
    assert not UsageCharge.objects.exists()


def test_free_allowance_is_spent_before_the_wallet(student, feature_price, free_plan, give_credits):
    give_credits(student, 10)
    charge(student, "tutor-chat", 7, "req-1")
    assert balance(student, AccountKind.ALLOWANCE) == Decimal("0.00")
    assert balance(student) == Decimal("8.00")
    assert verify_balances() == []


def test_allowance_renews_each_month_without_carrying_over(student, feature_price, free_plan):
    from datetime import UTC, datetime

    from credits.services import renew_allowance

    charge(student, "tutor-chat", 2, "req-1")
    assert balance(student, AccountKind.ALLOWANCE) == Decimal("3.00")
    renew_allowance(student, free_plan, datetime(2099, 1, 1, tzinfo=UTC))
    renew_allowance(student, free_plan, datetime(2099, 1, 15, tzinfo=UTC))
    assert balance(student, AccountKind.ALLOWANCE) == Decimal("5.00")


def test_premium_covers_ai_up_to_the_fair_use_cap(
    student, feature_price, premium_plan, give_credits
):
    activate_subscription(
        user=student, plan=premium_plan, provider="stripe", current_period_end=None
    )
    give_credits(student, 10)
    charge(student, "tutor-chat", 2, "req-1")
    assert balance(student) == Decimal("10.00")
    usage = charge(student, "tutor-chat", 2, "req-2")  # cap is 3: one credit over
    assert usage.covered_by_plan == Decimal("1.00")
    assert balance(student) == Decimal("9.00")


def test_unknown_feature_is_refused(student):
    with pytest.raises(UnknownFeature):
        charge(student, "nope", 1, "req-1")


def test_entries_cannot_be_changed_in_the_database(student, give_credits):
    from django.db import DatabaseError, transaction

    give_credits(student, 5)
    entry = Entry.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE credits_entry SET amount = 1000 WHERE id = %s", [entry.pk])
