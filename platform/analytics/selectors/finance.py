"""The finance charts and checks: totals by product, the ledger's balance check, revenue and
payouts waiting."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncWeek
from django.utils.translation import gettext as _

from ..models import DailyLedger
from .base import Chart, Scope, _chart

#: Ledger transfer kinds that bring money in through a payment provider, by product.
PRODUCTS: dict[str, str] = {
    "credit_sale": "Credits",
    "subscription_sale": "Subscriptions",
    "tutoring_booking": "Lessons",
    "tutoring_gift": "Lessons",
    "abroad_booking": "Study abroad",
    "materials_sale": "Materials",
    "earning": "Marketplace sales",
}


CLEARING = "provider_clearing"


def _product(transfer_kind: str) -> str:
    return PRODUCTS.get(transfer_kind, transfer_kind.replace("_", " ").capitalize())


def finance_totals(first: date | None, last: date | None, currency: str) -> dict[str, Any]:
    """Money over the days from the ledger's daily rollup, in one query:

    - takings by product: what the providers took (clearing account debits) per transfer
      kind, refunds and payouts excluded;
    - refunds: what went back through the providers;
    - commission: what the commissions account earned;
    - payouts paid: what left to teachers and vendors through the providers.
    """
    rows = DailyLedger.objects.filter(currency=currency)
    if first is not None and last is not None:
        rows = rows.filter(day__range=(first, last))
    takings: dict[str, Decimal] = defaultdict(Decimal)
    refunds = commission = payouts = Decimal("0")
    for row in (
        rows.values("account_kind", "transfer_kind").annotate(total=Sum("amount")).order_by()
    ):
        account, transfer, total = row["account_kind"], row["transfer_kind"], row["total"]
        if account == CLEARING:
            if transfer.startswith("refund"):
                refunds += total
            elif transfer == "payout":
                payouts += total
            else:
                takings[_product(transfer)] += -total
        elif account == "commissions":
            commission += total
    return {
        "takings": dict(takings),
        "takings_total": sum(takings.values(), Decimal("0")),
        "refunds": refunds,
        "commission": commission,
        "payouts_paid": payouts,
    }


def ledger_check(currency: str) -> dict[str, Any]:
    """The rollup summed over all days against the ledger's own balances, per platform
    account (one query each side). ``ok`` is what the dashboard's "reconciled" badge says."""
    from credits.models import LedgerAccount

    rolled = {
        row["account_kind"]: row["total"]
        for row in DailyLedger.objects.filter(currency=currency)
        .values("account_kind")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    ledger = {
        row["kind"]: row["total"]
        for row in LedgerAccount.objects.filter(currency=currency)
        .values("kind")
        .annotate(total=Sum("balance"))
        .order_by()
    }
    kinds = sorted(set(rolled) | set(ledger))
    lines = [
        {
            "account": kind,
            "rollup": rolled.get(kind, Decimal("0")),
            "ledger": ledger.get(kind, Decimal("0")),
        }
        for kind in kinds
    ]
    return {"ok": all(line["rollup"] == line["ledger"] for line in lines), "lines": lines}


def currencies() -> list[str]:
    from credits.models import MONEY_CURRENCIES

    return [code for code, _label in MONEY_CURRENCIES]


def revenue(scope: Scope) -> Chart:
    currency = scope.currency or "USD"
    weeks = scope.weeks
    by: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
    refunds: dict[date, Decimal] = defaultdict(Decimal)
    commission: dict[date, Decimal] = defaultdict(Decimal)
    for row in (
        DailyLedger.objects.filter(
            currency=currency,
            day__range=(weeks[0], scope.last),
            account_kind__in=[CLEARING, "commissions"],
        )
        .annotate(week=TruncWeek("day"))
        .values("week", "account_kind", "transfer_kind")
        .annotate(total=Sum("amount"))
        .order_by()
    ):
        week = row["week"].date() if isinstance(row["week"], datetime) else row["week"]
        if row["account_kind"] == "commissions":
            commission[week] += row["total"]
        elif row["transfer_kind"].startswith("refund"):
            refunds[week] += row["total"]
        elif row["transfer_kind"] != "payout":
            by[(_product(row["transfer_kind"]), week)] += -row["total"]
    products = sorted({product for product, _w in by})
    return _chart(
        "revenue",
        _("Takings by product, refunds and commission (%(currency)s)") % {"currency": currency},
        "bar",
        [w.isoformat() for w in weeks],
        [
            *[
                {
                    "label": p,
                    "data": [str(by.get((p, w), Decimal("0"))) for w in weeks],
                    "stack": "in",
                }
                for p in products
            ],
            {"label": _("Refunds"), "data": [str(-refunds[w]) for w in weeks], "stack": "in"},
            {"label": _("Commission"), "data": [str(commission[w]) for w in weeks], "stack": "fee"},
        ],
        first_column=_("Week"),
        stacked=True,
        currency=currency,
    )


def payouts_pending(scope: Scope) -> Chart:
    """What the platform owes teachers and vendors now (their earnings balances) and what is
    on its way to them (payouts in transit), per currency: the ledger's live balances."""
    from credits.models import LedgerAccount

    owed: dict[tuple[str, str], Decimal] = {
        (row["currency"], row["kind"]): row["total"]
        for row in LedgerAccount.objects.filter(kind__in=["earnings", "payouts_in_transit"])
        .values("currency", "kind")
        .annotate(total=Sum("balance"))
        .order_by()
    }
    codes = [c for c in currencies() if any(k[0] == c for k in owed)]
    return _chart(
        "payouts_pending",
        _("Payouts pending"),
        "bar",
        codes,
        [
            {
                "label": _("Earnings not yet paid out"),
                "data": [str(owed.get((c, "earnings"), Decimal("0"))) for c in codes],
            },
            {
                "label": _("Payouts in transit"),
                "data": [str(owed.get((c, "payouts_in_transit"), Decimal("0"))) for c in codes],
            },
        ],
        first_column=_("Currency"),
    )
