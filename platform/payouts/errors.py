"""What the payouts app refuses, in the API's one error shape (core.api.errors)."""

from core.api.errors import ServiceError
from credits.errors import InsufficientFunds


class PayoutNotAllowed(ServiceError):
    status_code = 409
    default_code = "payout_not_allowed"
    default_detail = "This payout cannot be made."


class NoPayoutMethod(ServiceError):
    status_code = 409
    default_code = "no_payout_method"
    default_detail = "Add your bank details first, so that we can pay you."


class PayoutPending(ServiceError):
    status_code = 409
    default_code = "payout_pending"
    default_detail = (
        "A payout to your bank account is still being processed and needs your bank details. "
        "You can delete your account once it has been paid."
    )


class PayoutExceedsPayable(InsufficientFunds):
    """More than the payee may ask for: their earnings less what they owe (same code as the
    ledger's refusal, which clients already handle; the message gives the number)."""

    default_detail = "You cannot ask for more than your payable earnings."


class EarningsUnpaid(ServiceError):
    status_code = 409
    default_code = "earnings_unpaid"
    default_detail = (
        "You have earnings that have not been paid out. Ask for a payout first; you can "
        "delete your account once it has been paid."
    )


class InvalidTaxDocument(ServiceError):
    status_code = 400
    default_code = "invalid_document"
    default_detail = "Upload a PDF, JPEG or PNG file of at most 10 MB."
