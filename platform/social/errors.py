"""Domain errors of the social app, each with its HTTP status and stable code."""

from rest_framework import status

from core.api.errors import ServiceError


class InvalidMedia(ServiceError):
    default_code = "invalid_media"
    default_detail = "This file cannot be attached to a moment."

    def __init__(self, detail: str | None = None, *, field: str = "") -> None:
        super().__init__(detail)
        # The request field the file came in (the API answers a field error for it).
        self.field = field


class InvalidMoment(ServiceError):
    default_code = "invalid_moment"
    default_detail = "This moment cannot be posted."


class MomentNotFound(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = "No such moment."


class CommentNotFound(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = "No such comment."


class PersonNotFound(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = "No such person."


class NotAllowed(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "not_allowed"
    default_detail = "You cannot do this."


class EditWindowClosed(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "edit_window_closed"
    default_detail = "A moment can only be edited shortly after posting."


class PostingTooFast(ServiceError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "posting_too_fast"
    default_detail = "You have posted many moments in the last hour. Try again later."


class CannotFollow(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "cannot_follow"
    default_detail = "You cannot follow this person."


class InvalidDecision(ServiceError):
    default_code = "invalid_decision"
    default_detail = "This action does not apply to this report."


class AppealNotAllowed(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "appeal_not_allowed"
    default_detail = "This decision cannot be appealed (already appealed, or too late)."


class CorrectionNotAllowed(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "correction_not_allowed"
    default_detail = "This moment does not ask for corrections."


class CorrectionNotFound(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = "No such correction."


class NothingToCorrect(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "nothing_to_correct"
    default_detail = "The grammar engine found nothing to correct."


class NotAVoiceClip(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = "No such voice clip."
