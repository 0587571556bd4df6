"""The demo's finance dashboard says "Reconciled with the ledger": its analytics step rolls up
every other app's demo money (it runs after them), so the rollups equal the ledger."""

import pytest
from django.core.management import call_command

from analytics import selectors

pytestmark = pytest.mark.django_db(transaction=False)


def test_the_demo_rollups_match_the_ledger() -> None:
    call_command("load_demo_data", verbosity=0)
    for currency in ("USD", "EUR", "INR"):
        check = selectors.ledger_check(currency)
        assert check["ok"], (
            currency,
            [line for line in check["lines"] if line["rollup"] != line["ledger"]],
        )
