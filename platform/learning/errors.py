"""What the learning app refuses, in the API's one error shape (core.api.errors)."""

from rest_framework import status

from core.api.errors import ServiceError


class ExerciseNotFound(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "exercise_not_found"
    default_detail = "This lesson has no exercise with that id."


class LessonIncomplete(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "exercises_remaining"
    default_detail = "Answer every exercise before completing the lesson."
