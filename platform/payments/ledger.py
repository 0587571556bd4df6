"""The ledger legs every payment and refund shares (the entries themselves are credits').

A provider takes the customer's money into *provider clearing* (what the provider owes us
until it settles); a sale moves it from there to *revenue* (or to a teacher's earnings and
our commission); a refund sends it back the same way.
"""

from credits.services import clearing_to_revenue

__all__ = ["clearing_to_revenue"]
