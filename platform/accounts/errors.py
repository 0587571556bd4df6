"""Domain errors of the accounts app, in the API's one error shape (core.api.errors)."""

from rest_framework import status

from core.api.errors import ServiceError


class InvalidImageError(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_image"
    default_detail = "Upload a JPEG, PNG or WebP image of at most 5 MB."


class InvalidDocumentError(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_document"
    default_detail = "Upload a PDF, JPEG or PNG file of at most 10 MB."


class NotATeacherError(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "not_a_teacher"
    default_detail = "Only teachers have a teacher profile."


class SuspensionReasonRequired(ServiceError):
    default_code = "reason_required"
    default_detail = "Give a reason for suspending the account."


class RoleNotSelfServiceError(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "role_not_self_service"
    default_detail = "Only the student and teacher roles can be taken on by yourself."
