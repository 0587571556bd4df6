"""Domain errors of the AI features, in the API's one error shape (core.api.errors)."""

from rest_framework import status

from core.api.errors import ServiceError, ServiceUnavailable


class AIUnavailable(ServiceUnavailable):
    """The ML service (or the remote LLM) is down, timed out or answered with a 5xx."""

    default_code = "ai_unavailable"
    default_detail = "The AI service is unavailable right now. Nothing was charged; try again."


class AIFeatureDisabled(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "ai_feature_disabled"
    default_detail = "This AI feature is switched off on this site."


class AIInputRejected(ServiceError):
    """The service refused the input (empty or silent audio, too long, unsupported language
    pair …). Carries the service's own status (400, 413 or 422) and machine code."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    default_code = "ai_input_rejected"
    default_detail = "The AI service could not process this input."

    def __init__(self, detail: str, code: str, status_code: int = 400) -> None:
        super().__init__(detail, code)
        self.status_code = status_code


class PromptTemplateError(ValueError):
    """A prompt template refers to a variable it does not declare, or is rendered without one."""
