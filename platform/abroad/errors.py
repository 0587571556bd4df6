"""Domain errors of study-abroad bookings, each with its HTTP status and stable code."""

from rest_framework import status

from core.api.errors import ServiceError


class Conflict(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "This conflicts with the current state."


class SeatsTaken(Conflict):
    default_code = "seats_taken"
    default_detail = "Not enough seats are left on this start date. Please pick another one."


class RoomTaken(Conflict):
    default_code = "room_taken"
    default_detail = "This room is already taken for some of these nights. Try other dates."


class InvalidBookingState(Conflict):
    default_code = "invalid_booking_state"
    default_detail = "The booking cannot do that in its current state."


class NotBookable(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "not_bookable"
    default_detail = "This cannot be booked."


class NotAllowed(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "not_allowed"
    default_detail = "You cannot do this."


class ApplicationPending(Conflict):
    default_code = "application_pending"
    default_detail = "You already have an application waiting for verification."


class DocumentRejected(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "document_rejected"
    default_detail = "Upload documents as PDF, JPEG, PNG or WebP files of at most 10 MB."


class NotReviewable(Conflict):
    default_code = "not_reviewable"
    default_detail = "You can review a course or a homestay once you have completed it."
