"""Property: whatever sequence of grants, sales, charges and reversals runs, every currency's
entries sum to zero, cached balances equal their entries and no user account is negative."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from credits.errors import InsufficientCredits, InsufficientFunds
from credits.models import Entry, FeaturePrice, LedgerAccount, Transfer
from credits.services import (
    charge,
    grant_credits,
    reverse_transfer,
    sell_credits,
    verify_balances,
)

operations = st.lists(
    st.one_of(
        st.tuples(st.just("grant"), st.integers(0, 2), st.integers(1, 50)),
        st.tuples(
            st.just("sell"),
            st.integers(0, 2),
            st.integers(1, 500),
            st.sampled_from(["USD", "EUR", "INR"]),
        ),
        st.tuples(st.just("charge"), st.integers(0, 2), st.integers(1, 30)),
        st.tuples(st.just("reverse"), st.integers(0, 50), st.sampled_from(["1", "0.5", "0.33"])),
        st.tuples(st.just("replay"), st.integers(0, 50)),
    ),
    max_size=25,
)


class LedgerPropertyTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        from django.contrib.auth import get_user_model

        cls.users = [
            get_user_model().objects.create_user(email=f"p{n}@example.com") for n in range(3)
        ]
        FeaturePrice.objects.create(
            feature="speech", label="Speech", credits_per_unit=Decimal("1.5")
        )

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(operations)
    def test_ledger_stays_balanced(self, ops: list[tuple]) -> None:
        keys: list[str] = []
        for step, op in enumerate(ops):
            key = f"op-{step}"
            try:
                if op[0] == "grant":
                    grant_credits(self.users[op[1]], Decimal(op[2]), idempotency_key=key)
                elif op[0] == "sell":
                    sell_credits(
                        self.users[op[1]],
                        Decimal(op[2]),
                        price=Decimal(op[2]) / 7,
                        currency=op[3],
                        idempotency_key=key,
                    )
                elif op[0] == "charge":
                    charge(self.users[op[1]], "speech", op[2], key)
                    key = f"charge:{key}"
                elif op[0] == "reverse" and keys:
                    original = Transfer.objects.get(idempotency_key=keys[op[1] % len(keys)])
                    reverse_transfer(original, idempotency_key=key, fraction=Decimal(op[2]))
                elif op[0] == "replay" and keys:
                    # Replaying a key moves nothing.
                    before = Entry.objects.count()
                    grant_credits(
                        self.users[0], Decimal(1), idempotency_key=keys[op[1] % len(keys)]
                    )
                    assert Entry.objects.count() == before
                if Transfer.objects.filter(idempotency_key=key).exists():
                    keys.append(key)
            except (InsufficientCredits, InsufficientFunds):
                pass

            for currency, total in (
                Entry.objects.values_list("currency").annotate(total=Sum("amount")).order_by()
            ):
                assert total == 0, (currency, total)
            assert not LedgerAccount.objects.filter(owner__isnull=False, balance__lt=0).exists()
        assert verify_balances() == []


@pytest.mark.django_db
def test_unbalanced_transfer_is_refused(student):
    from credits.errors import UnbalancedTransfer
    from credits.models import AccountKind
    from credits.services import Leg, platform_account, post_transfer, user_account

    with pytest.raises(UnbalancedTransfer):
        post_transfer(
            kind="bad",
            idempotency_key="bad",
            legs=[
                Leg(platform_account(AccountKind.PROMOTIONS, "CRD"), Decimal("-5")),
                Leg(user_account(student, AccountKind.WALLET), Decimal("4")),
            ],
        )
