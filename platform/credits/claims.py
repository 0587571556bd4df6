"""Claims on a payee's earnings: what they owe the platform, repaid from what they earn.

An app that records such debts (materials' ``EarningsDebt``, a pack refunded after the
teacher was paid out; disputes' teacher debt, a dispute decided at the teacher's cost after
they were paid) registers a ``Claim`` in its ``AppConfig.ready()``. Then:

* the ledger calls ``recover`` whenever a transfer credits a user's earnings account
  (``services.post_transfer``: lessons, gifts, group seats, pack sales, a rejected payout
  returning its hold, any earning added later), in that transfer's transaction and while
  the earnings account is locked, so the debt is repaid before the money can be asked for;
* payouts call ``recover`` under the same lock before holding a payout, and subtract
  ``outstanding`` from what they show as payable.

A claim's ``recover`` locks the earnings account before its own debt rows (the order every
caller uses) and posts a real transfer out of the earnings account, so the books balance.
"""

import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import LedgerAccount


@dataclass(frozen=True)
class Claim:
    name: str
    # owner id -> outstanding amount per currency (one query, whatever the number of debts)
    outstanding: Callable[[Any], dict[str, Decimal]]
    # (locked earnings account, idempotency key) -> amount repaid from it
    recover: Callable[["LedgerAccount", str], Decimal]
    # Told apart in the repayment's idempotency key (``recovery_key``); one claim (the
    # first, materials') keeps the empty prefix its repayments were recorded with.
    key_prefix: str = ""


_claims: dict[str, Claim] = {}


def register(claim: Claim) -> None:
    taken = {other.key_prefix for name, other in _claims.items() if name != claim.name}
    if claim.key_prefix in taken:
        raise ValueError(f"claim key prefix {claim.key_prefix!r} is taken")
    _claims[claim.name] = claim


def recovery_key(source_key: str) -> str:
    """The idempotency key of the repayment that follows the transfer keyed ``source_key``
    (hashed when the prefix would not fit the column)."""
    key = f"debt-recovery:{source_key}"
    if len(key) <= 200:
        return key
    return f"debt-recovery:sha256:{hashlib.sha256(source_key.encode()).hexdigest()}"


def outstanding(owner_id: Any) -> dict[str, Decimal]:
    """What ``owner_id`` owes against their earnings, per currency (currencies owing
    nothing are left out)."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for claim in _claims.values():
        for currency, amount in claim.outstanding(owner_id).items():
            totals[currency] += amount
    return {currency: amount for currency, amount in totals.items() if amount > 0}


def recover(account: "LedgerAccount", *, source_key: str) -> Decimal:
    """Repays the account owner's debts in the account's currency from it, as far as it
    holds. Runs in the caller's transaction; returns the amount repaid."""
    repaid = Decimal("0")
    for claim in _claims.values():
        repaid += claim.recover(account, recovery_key(f"{claim.key_prefix}{source_key}"))
    return repaid
