"""Domain errors of the voice tutor, in the API's one error shape (core.api.errors)."""

from typing import Any

from rest_framework import status

from core.api.errors import ServiceError, ServiceUnavailable


class NoCredits(ServiceError):
    status_code = status.HTTP_402_PAYMENT_REQUIRED
    default_code = "no_credits"
    default_detail = (
        "You have no credits left for the voice tutor. Buy credits or subscribe on your "
        "wallet page (/wallet/); your free monthly credits come back on the 1st."
    )


class SessionActive(ServiceError):
    """One active (or interrupted, resumable) session per learner; ``session_id`` names it."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "session_active"
    default_detail = "You already have a tutor session open. Resume it or end it first."

    def __init__(self, session_id: int, detail: Any = None) -> None:
        super().__init__(detail)
        self.session_id = session_id


class NotFound(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"
    default_detail = "Not found."


class InvalidChoice(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_choice"
    default_detail = "This choice is not available."


class SessionNotActive(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "session_not_active"
    default_detail = "This tutor session is not active any more."


class SessionTimeUp(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "session_time_up"
    default_detail = "This tutor session reached its time limit."


class EngineUnavailable(ServiceUnavailable):
    """The language model or the ML service failed during a turn: nothing is charged for it
    and the session stays resumable."""

    default_code = "tutor_unavailable"
    default_detail = (
        "The tutor could not answer just now (the AI service is unavailable). "
        "Nothing was charged for this turn; try again."
    )
