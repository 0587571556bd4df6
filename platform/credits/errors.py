from rest_framework import status

from core.api.errors import ServiceError


class InsufficientCredits(ServiceError):
    status_code = status.HTTP_402_PAYMENT_REQUIRED
    default_code = "insufficient_credits"
    default_detail = "You do not have enough credits for this. Buy credits or subscribe."


class InsufficientFunds(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "insufficient_funds"
    default_detail = "The account does not hold enough for this transfer."


class UnbalancedTransfer(ValueError):
    """A programming error: the legs of a transfer must sum to zero per currency."""


class UnknownFeature(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "unknown_feature"
    default_detail = "This feature has no credit price."


class IdempotencyConflict(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_conflict"
    default_detail = "This idempotency key was already used for another operation."


class AdjustmentReasonRequired(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "reason_required"
    default_detail = "Say why the credits are adjusted: the learner sees the reason."


class InvalidAdjustment(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_adjustment"
    default_detail = "An adjustment grants or deducts a non-zero number of credits."


class AdjustmentOverdraws(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "adjustment_overdraws"
    default_detail = "The wallet does not hold that many credits: a deduction cannot overdraw it."
