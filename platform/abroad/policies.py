"""The named cancellation policies, fixed on a booking when it is made.

=========  ===================================================================
flexible   full refund until 7 days before arrival, half after that
moderate   full refund until 30 days before, half until 7 days, nothing after
strict     half refunded until 30 days before arrival, nothing after
=========  ===================================================================

Long stays (28 days or more from arrival to departure; fixed on the booking when it is made)
follow the long-stay rule instead, whatever the listing's policy: a full refund until 30 days
before arrival; after that the first 30 days of the trip (pro rata of what was paid) are
kept, and the rest is refunded (Airbnb's long-term rule).

A provider who cancels refunds in full, whatever the policy. A package takes the stricter of
its two listings' policies, so neither provider gets less than they promised themselves.
"""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from cms.abroad.models import CancellationPolicy

CENT = Decimal("0.01")
HALF = Decimal("0.5")

# (days before arrival from which the fraction applies, fraction), most notice first.
RULES: dict[str, list[tuple[int, Decimal]]] = {
    CancellationPolicy.FLEXIBLE: [(7, Decimal(1)), (0, HALF)],
    CancellationPolicy.MODERATE: [(30, Decimal(1)), (7, HALF), (0, Decimal(0))],
    CancellationPolicy.STRICT: [(30, HALF), (0, Decimal(0))],
}
STRICTNESS: list[str] = [
    CancellationPolicy.FLEXIBLE,
    CancellationPolicy.MODERATE,
    CancellationPolicy.STRICT,
]

EXPLANATIONS: dict[str, Any] = {
    CancellationPolicy.FLEXIBLE: _(
        "Full refund until 7 days before arrival; half of what you paid after that."
    ),
    CancellationPolicy.MODERATE: _(
        "Full refund until 30 days before arrival, half until 7 days before, none after."
    ),
    CancellationPolicy.STRICT: _("Half refunded until 30 days before arrival, none after."),
}


def stricter(first: str, second: str) -> str:
    return max(first, second, key=STRICTNESS.index)


def refund_fraction(policy: str, days_before_arrival: int, *, by_vendor: bool) -> Decimal:
    if by_vendor:
        return Decimal(1)
    for days, fraction in RULES[policy]:
        if days_before_arrival >= days:
            return fraction
    return Decimal(0)


def refund_amount(
    policy: str, paid: Decimal, days_before_arrival: int, *, by_vendor: bool
) -> Decimal:
    fraction = refund_fraction(policy, days_before_arrival, by_vendor=by_vendor)
    return (paid * fraction).quantize(CENT, rounding=ROUND_HALF_UP)


def explain(policy: str, *, long_stay: bool = False) -> str:
    if long_stay:
        return str(LONG_STAY_EXPLANATION)
    return str(EXPLANATIONS.get(policy, ""))


LONG_STAY_DAYS = 28
LONG_STAY_KEPT_DAYS = 30
LONG_STAY_EXPLANATION = _(
    "Long stay (28 days or more): full refund until 30 days before arrival; after that, "
    "the first 30 days are not refunded and the rest is."
)


def is_long_stay(trip_days: int) -> bool:
    return trip_days >= LONG_STAY_DAYS


def long_stay_refund(
    paid: Decimal, days_before_arrival: int, trip_days: int, *, by_vendor: bool
) -> Decimal:
    """What goes back under the long-stay rule: everything with 30 days' notice (or when
    the provider cancels), else all but 30 days' worth of the trip."""
    if by_vendor or days_before_arrival >= LONG_STAY_KEPT_DAYS:
        return paid
    kept = paid * min(LONG_STAY_KEPT_DAYS, trip_days) / max(trip_days, 1)
    return (paid - kept).quantize(CENT, rounding=ROUND_HALF_UP)
