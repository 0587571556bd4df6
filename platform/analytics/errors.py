"""Domain errors of progress sharing, each with its HTTP status and stable code."""

from rest_framework import status

from core.api.errors import ServiceError


class NotYourTeacher(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "not_your_teacher"
    default_detail = "You can share your progress only with a teacher you have booked."


class ProgressNotShared(ServiceError):
    # 404 rather than 403: a teacher learns nothing about people who did not share with them.
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "progress_not_shared"
    default_detail = "This learner does not share their progress with you."
