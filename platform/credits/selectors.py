"""Reads on credits, each scoped to the user asking."""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User

from . import claims
from .models import (
    CREDITS,
    AccountKind,
    CreditPackage,
    Entry,
    LedgerAccount,
    Plan,
    Subscription,
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
        "earnings": earnings_summary(
            user,
            {
                currency: balance
                for (kind, currency), balance in balances.items()
                if kind == AccountKind.EARNINGS
            },
        ),
    }


def earnings_summary(
    user: User, balances: dict[str, Decimal] | None = None
) -> list[dict[str, Any]]:
    """Per currency: ``balance`` (the earnings account), ``outstanding_debt`` (what the user
    owes the platform against their earnings, ``claims``) and ``payable``, the most a payout
    may take. ``balances`` (earnings by currency) saves the query when the caller has them;
    one query for the debts whatever their number."""
    if balances is None:
        balances = dict(
            LedgerAccount.objects.filter(owner=user, kind=AccountKind.EARNINGS).values_list(
                "currency", "balance"
            )
        )
    debts = claims.outstanding(user.pk)
    rows = []
    for currency in sorted(set(balances) | set(debts)):
        balance = balances.get(currency, Decimal("0.00"))
        debt = debts.get(currency, Decimal("0.00"))
        rows.append(
            {
                "currency": currency,
                "balance": balance,
                "outstanding_debt": debt,
                "payable": max(balance - debt, Decimal("0.00")),
            }
        )
    return rows


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


def subscription_of(user: User, pk: Any) -> Subscription | None:
    """One of the user's own subscriptions, or None (another person's is not theirs)."""
    return Subscription.objects.filter(pk=pk, user=user).select_related("plan").first()


def active_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(active=True).prefetch_related("prices")
