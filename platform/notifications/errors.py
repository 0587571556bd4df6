"""What the notifications app refuses, in the API's one error shape (core.api.errors)."""

from core.api.errors import ServiceError


class UnknownNotificationType(ServiceError):
    default_code = "unknown_notification_type"
    default_detail = "No such notification type."


class NotificationNotFound(ServiceError):
    status_code = 404
    default_code = "not_found"
    default_detail = "No such notification."
