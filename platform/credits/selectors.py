"""Reads on credits, each scoped to the user asking."""

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from accounts.models import User

from .models import (
    CREDITS,
    AccountKind,
    CreditPackage,
    Entry,
    LedgerAccount,
    Plan,
)
from .services import current_plan, current_subscription


def wallet_summary(user: User) -> dict[str, Any]:
    balances = {
        (account.kind, account.currency): account.balance
        for account in LedgerAccount.objects.filter(owner=user)
    }
    wallet = balances.get((AccountKind.WALLET, CREDITS), Decimal("0"))
    allowance = balances.get((AccountKind.ALLOWANCE, CREDITS), Decimal("0"))
    subscription = current_subscription(user)
    plan = subscription.plan if subscription else current_plan(user)
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
