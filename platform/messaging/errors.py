"""What the messaging app refuses, in the API's one error shape (core.api.errors)."""

from core.api.errors import ServiceError


class ConversationNotFound(ServiceError):
    status_code = 404
    default_code = "not_found"
    default_detail = "No such conversation."


class MessagingError(ServiceError):
    pass


class EmailNotVerified(MessagingError):
    status_code = 403
    default_code = "email_not_verified"
    default_detail = "Verify your email address before you do this."


class Blocked(MessagingError):
    status_code = 403
    default_code = "blocked"
    default_detail = "You cannot message this person."


class InvalidParticipants(MessagingError):
    default_code = "invalid_participants"
    default_detail = "Choose one or more other people to talk to."


class InvalidMessage(MessagingError):
    default_code = "invalid_message"
    default_detail = "A message needs text or an attachment."


class InvalidAttachment(MessagingError):
    default_code = "invalid_attachment"
    default_detail = "This file type is not accepted."


class AttachmentTooLarge(MessagingError):
    status_code = 413
    default_code = "attachment_too_large"
    default_detail = "This file is too large."


class NotYourMessage(MessagingError):
    status_code = 403
    default_code = "not_your_message"
    default_detail = "You can only change your own messages."


class MessageNotFound(MessagingError):
    status_code = 404
    default_code = "not_found"
    default_detail = "No such message."
