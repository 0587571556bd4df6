"""Figures for the finance dashboard (staff only)."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import Payment, PaymentStatus, Provider, Refund, RefundStatus


def bars(rows: list[tuple[str, Decimal]]) -> list[dict[str, Any]]:
    peak = max((value for _, value in rows), default=Decimal("0")) or Decimal("1")
    return [
        {"label": label, "value": value, "percent": int(value * 100 / peak)}
        for label, value in rows
    ]


def refunds_needing_attention() -> dict[str, int]:
    """What "Refunds needing attention" lists, counted in one query: those waiting for a
    finance admin and those still retried automatically."""
    return Refund.objects.aggregate(
        attention=Count("pk", filter=Q(status=RefundStatus.ATTENTION)),
        retrying=Count("pk", filter=Q(status=RefundStatus.RETRYING)),
    )


def finance_summary(days: int = 30) -> dict[str, Any]:
    since = timezone.now() - timedelta(days=days)
    paid = Payment.objects.filter(status=PaymentStatus.SUCCEEDED, succeeded_at__gte=since)
    by_day: dict[str, list[tuple[str, Decimal]]] = {}
    for row in (
        paid.annotate(day=TruncDate("succeeded_at"))
        .values("currency", "day")
        .annotate(total=Sum("amount"))
        .order_by("currency", "day")
    ):
        by_day.setdefault(row["currency"], []).append((row["day"].isoformat(), row["total"]))
    by_provider = [
        (f"{Provider(row['provider']).label} · {row['currency']}", row["total"])
        for row in paid.values("provider", "currency")
        .annotate(total=Sum("amount"))
        .order_by("-total")
    ]
    refunds = [
        (row["payment__currency"], row["total"])
        for row in Refund.objects.filter(status=RefundStatus.SUCCEEDED, completed_at__gte=since)
        .values("payment__currency")
        .annotate(total=Sum("amount"))
        .order_by("payment__currency")
    ]
    return {
        "days": days,
        "revenue_by_day": {currency: bars(rows) for currency, rows in by_day.items()},
        "by_provider": bars(by_provider),
        "refunds": bars(refunds),
        "refund_attention": refunds_needing_attention(),
        "recent_payments": Payment.objects.filter(status=PaymentStatus.SUCCEEDED)
        .select_related("user")
        .order_by("-succeeded_at")[:20],
        "pending_bank_transfers": Payment.objects.filter(
            provider=Provider.BANK_TRANSFER, status=PaymentStatus.PENDING
        ).select_related("user")[:50],
        "mismatched": Payment.objects.filter(status=PaymentStatus.MISMATCH).select_related("user")[
            :50
        ],
    }
