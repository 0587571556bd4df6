"""Subscriptions: monthly recurring revenue and churn."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone


def subscription_metrics(currency: str, today: date, *, window_days: int = 30) -> dict[str, Any]:
    """Monthly recurring revenue and churn, at the plans' list prices in ``currency``.

    - MRR: every current subscription (active, period not over) at its plan's price in the
      currency, yearly plans counted as a twelfth a month. Subscriptions whose plan has no
      price in the currency are counted in ``unpriced``, not guessed.
    - Churn over the last ``window_days``: subscriptions canceled in the window divided by
      those current at its start (current now + canceled in the window), by the time each
      became canceled (``canceled_at``; later edits of the row don't move it).
    Two queries, whatever the number of subscriptions.
    """
    from credits.models import Interval, PlanPrice, Subscription, SubscriptionStatus

    now = timezone.now()
    start = now - timedelta(days=window_days)
    current = Subscription.objects.filter(status=SubscriptionStatus.ACTIVE).filter(
        Q(current_period_end__isnull=True) | Q(current_period_end__gt=now)
    )
    prices = PlanPrice.objects.filter(plan=OuterRef("plan"), currency=currency)
    rows = current.annotate(price=Subquery(prices.values("amount")[:1])).values(
        "plan__interval", "price"
    )
    mrr = Decimal("0")
    active = unpriced = 0
    for row in rows.order_by():
        active += 1
        if row["price"] is None:
            unpriced += 1
            continue
        monthly = row["price"] / 12 if row["plan__interval"] == Interval.YEAR else row["price"]
        mrr += monthly
    canceled = Subscription.objects.filter(
        status=SubscriptionStatus.CANCELED, canceled_at__gte=start
    ).count()
    at_start = active + canceled
    return {
        "currency": currency,
        "mrr": mrr.quantize(Decimal("0.01")),
        "active": active,
        "unpriced": unpriced,
        "canceled": canceled,
        "window_days": window_days,
        "churn_percent": round(100 * canceled / at_start, 1) if at_start else None,
    }
