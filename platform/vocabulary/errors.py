from rest_framework import status

from core.api.errors import ServiceError


class VocabularyError(ServiceError):
    default_code = "vocabulary_error"
    default_detail = "The word bank could not do that."


class CardNotFound(VocabularyError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "card_not_found"
    default_detail = "No such card in your word bank."


class ReviewKeyReused(VocabularyError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_reused"
    default_detail = "This idempotency key was already used for a different review."


class AudioUnavailable(VocabularyError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "audio_unavailable"
    default_detail = "The word's audio could not be made right now."
