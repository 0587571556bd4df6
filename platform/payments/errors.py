from rest_framework import status

from core.api.errors import ServiceError


class UnknownPurpose(ServiceError):
    default_code = "unknown_purpose"
    default_detail = "Nothing can be bought for this purpose."


class InvalidItem(ServiceError):
    default_code = "invalid_item"
    default_detail = "This item cannot be bought."


class PriceUnavailable(ServiceError):
    default_code = "price_unavailable"
    default_detail = "This item has no price in that currency."


class ProviderUnavailable(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "provider_unavailable"
    default_detail = "This payment method is not available for this payment."


class ProviderError(ServiceError):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_code = "payment_provider_error"
    default_detail = "The payment provider did not answer as expected. Try again shortly."


class InvalidSignature(ServiceError):
    default_code = "invalid_signature"
    default_detail = "The signature does not match."


class RefundNotAllowed(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "refund_not_allowed"
    default_detail = "This payment cannot be refunded by that amount."


class SubscriptionNotFound(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = "No such subscription."


class RefundNotResolvable(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "refund_not_resolvable"
    default_detail = "Only a refund waiting for a finance admin can be marked resolved."


class ResolutionNoteRequired(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "resolution_note_required"
    default_detail = "Say how the customer got their money back."


class PaymentNotPayable(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "payment_not_payable"
    default_detail = "This payment can no longer be paid: start a new checkout."


class NoActionPending(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "no_action_pending"
    default_detail = "This payment has no step waiting for your confirmation: send a card."
