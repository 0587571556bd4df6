from rest_framework import status

from core.api.errors import ServiceError


class PaymentNotFound(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "payment_not_found"
    default_detail = "No payment of yours with that id."


class NothingToRefund(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "nothing_to_refund"
    default_detail = "This payment has nothing left to refund."


class RefundAlreadyRequested(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "refund_already_requested"
    default_detail = "A refund request for this payment is already waiting for a decision."


class AlreadyDecided(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "already_decided"
    default_detail = "This was decided already."


class DecisionReasonRequired(ServiceError):
    default_code = "reason_required"
    default_detail = "Say why: the reason is sent to both sides."


class InvalidAmount(ServiceError):
    default_code = "invalid_amount"
    default_detail = "The amount must be above zero and at most what is left to refund."


class NotAParty(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "dispute_not_found"
    default_detail = "No dispute of yours with that id."


class EvidenceRejected(ServiceError):
    default_code = "evidence_rejected"
    default_detail = "Evidence files may be PDF, JPEG, PNG, WebP or plain text, up to 10 MB."
