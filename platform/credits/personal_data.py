"""The person's wallet: ledger accounts, their entries, subscriptions and AI usage charges.
Exported; KEPT on account deletion: ledger entries are append-only accounting records
(money and credits must still balance), so there is no ``erase_personal_data`` here. The
rows point at the anonymised account only."""

from typing import Any

from accounts.exporting import amount, iso
from accounts.models import User

from .models import Entry, LedgerAccount, Subscription, UsageCharge


def export_personal_data(user: User) -> dict[str, Any]:
    return {
        "accounts": [
            {
                "kind": account.kind,
                "currency": account.currency,
                "balance": amount(account.balance),
                "created_at": iso(account.created_at),
            }
            for account in LedgerAccount.objects.filter(owner=user).order_by("kind", "currency")
        ],
        "entries": [
            {
                "account": entry.account.kind,
                "currency": entry.currency,
                "amount": amount(entry.amount),
                "balance_after": amount(entry.balance_after),
                "kind": entry.transfer.kind,
                "memo": entry.transfer.memo,
                "created_at": iso(entry.created_at),
            }
            for entry in Entry.objects.filter(account__owner=user)
            .select_related("account", "transfer")
            .order_by("created_at", "id")
        ],
        "subscriptions": [
            {
                "plan": subscription.plan.name,
                "status": subscription.status,
                "provider": subscription.provider,
                "current_period_end": iso(subscription.current_period_end),
                "cancel_at_period_end": subscription.cancel_at_period_end,
                "created_at": iso(subscription.created_at),
            }
            for subscription in Subscription.objects.filter(user=user)
            .select_related("plan")
            .order_by("created_at")
        ],
        "usage_charges": [
            {
                "feature": charge.feature,
                "units": amount(charge.units),
                "credits": amount(charge.credits),
                "covered_by_plan": amount(charge.covered_by_plan),
                "period": charge.period,
                "created_at": iso(charge.created_at),
            }
            for charge in UsageCharge.objects.filter(user=user).order_by("created_at")
        ],
    }
