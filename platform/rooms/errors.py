"""What the rooms app refuses, as API errors (one shape, see core.api.errors)."""

from core.api.errors import ServiceError


class RoomError(ServiceError):
    pass


class RoomFull(RoomError):
    status_code = 409
    default_code = "room_full"
    default_detail = "This room is full."


class NotAllowed(RoomError):
    status_code = 403
    default_code = "forbidden"
    default_detail = "Only the host or teacher can do this."


class ConsentMissing(RoomError):
    status_code = 409
    default_code = "consent_missing"
    default_detail = "Everyone in the room must agree to be recorded."


class InvalidRecording(RoomError):
    default_code = "invalid_recording"
    default_detail = "A recording is a WebM or Ogg audio or video file."


class InvalidCall(RoomError):
    default_code = "invalid_call"
    default_detail = "You cannot call yourself."


class CallBlocked(RoomError):
    status_code = 403
    default_code = "blocked"
    default_detail = "You cannot call this person."


class RoomNotFound(ServiceError):
    status_code = 404
    default_code = "not_found"
    default_detail = "No such room."


class RecordingNotFound(ServiceError):
    status_code = 404
    default_code = "not_found"
    default_detail = "No such recording."
