"""Reads on credits, each scoped to the user asking."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User

from .models import (
    CREDITS,
    AccountKind,
    CreditPackage,
    Entry,
    LedgerAccount,
    Plan,
    Transfer,
)
from .services import allowance_key, current_plan, current_subscription, period_of, quantize


def effective_allowance(
    user: User, plan: Plan | None, balance: Decimal, now: datetime | None = None
) -> Decimal:
    """What the user may spend from this month's free allowance. ``charge()`` renews the
    allowance lazily, on the month's first charge; until then the account still holds what
    was left of last month, and this month's full allowance is what is really available."""
    period = period_of(now or timezone.now())
    if Transfer.objects.filter(idempotency_key=allowance_key(user, period)).exists():
        return balance
    return quantize(plan.monthly_free_credits) if plan else Decimal("0")


def wallet_summary(user: User, now: datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    balances = {
        (account.kind, account.currency): account.balance
        for account in LedgerAccount.objects.filter(owner=user)
    }
    wallet = balances.get((AccountKind.WALLET, CREDITS), Decimal("0"))
    subscription = current_subscription(user, now)
    plan = subscription.plan if subscription else current_plan(user, now)
    allowance = effective_allowance(
        user, plan, balances.get((AccountKind.ALLOWANCE, CREDITS), Decimal("0")), now
    )
    return {
        "credits": wallet,
        "allowance": allowance,
        "available": wallet + allowance,
        "plan": plan,
        "subscription": subscription,
        "earnings": [
            {"currency": currency, "balance": balance}
            for (kind, currency), balance in sorted(balances.items())
            if kind == AccountKind.EARNINGS
        ],
    }


def transactions_for(user: User) -> QuerySet[Entry]:
    """The user's own ledger lines, newest first; platform accounts are never shown."""
    return (
        Entry.objects.filter(account__owner=user)
        .select_related("transfer", "account")
        .order_by("-created_at", "-id")
    )


def entries_for_account_holder(owner: User) -> QuerySet[Entry]:
    return transactions_for(owner)


def active_packages() -> QuerySet[CreditPackage]:
    return CreditPackage.objects.filter(active=True).prefetch_related("prices")


def active_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(active=True).prefetch_related("prices")
