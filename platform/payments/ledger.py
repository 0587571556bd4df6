"""The ledger legs every payment and refund shares (the entries themselves are credits').

A provider takes the customer's money into *provider clearing* (what the provider owes us
until it settles); a sale moves it from there to *revenue* (or to a teacher's earnings and
our commission); a refund sends it back the same way.
"""

from decimal import Decimal

from credits.models import AccountKind
from credits.services import Leg, platform_account


def clearing_to_revenue(currency: str, amount: Decimal) -> list[Leg]:
    """``amount`` taken by the provider becomes revenue: clearing -amount, revenue +amount.
    A negative amount is the way back (money returned to the customer)."""
    return [
        Leg(platform_account(AccountKind.PROVIDER_CLEARING, currency), -amount),
        Leg(platform_account(AccountKind.REVENUE, currency), amount),
    ]
