"""Domain errors of the marketplace, each with its HTTP status and stable code."""

from rest_framework import status

from core.api.errors import ServiceError


class Conflict(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "This conflicts with the current state."


class SlotTaken(Conflict):
    default_code = "slot_taken"
    default_detail = "Someone has just booked this time. Please pick another slot."


class LearnerBusy(Conflict):
    default_code = "learner_busy"
    default_detail = "You already have a lesson at this time."


class SlotUnavailable(Conflict):
    default_code = "slot_unavailable"
    default_detail = "The teacher is not available at this time."


class SessionSoldOut(Conflict):
    default_code = "session_sold_out"
    default_detail = "Every seat of this session is taken."


class InvalidBookingState(Conflict):
    default_code = "invalid_booking_state"
    default_detail = "The booking cannot do that in its current state."


class AlreadyReviewed(Conflict):
    default_code = "already_reviewed"
    default_detail = "This booking already has a review."


class AlreadyAnswered(Conflict):
    default_code = "already_answered"
    default_detail = "This has already been answered."


class ReviewNotAllowed(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "review_not_allowed"
    default_detail = "Only the learner of a completed lesson can review it."


class NotBookable(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "not_bookable"
    default_detail = "This gig cannot be booked."


class NotAllowed(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "not_allowed"
    default_detail = "You cannot do this."


class ListingMissing(Conflict):
    default_code = "listing_missing"
    default_detail = "Create your teacher profile first (PATCH /api/v1/teacher/profile/)."


class AlreadyRequested(Conflict):
    default_code = "already_requested"
    default_detail = "You have already asked this teacher for this time."


class InvalidPackageState(Conflict):
    default_code = "invalid_package_state"
    default_detail = "This package cannot do that in its current state."


class PackageUsedUp(Conflict):
    default_code = "package_used_up"
    default_detail = "Every lesson of this package is booked or taken."


class InvalidIntroVideo(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_intro_video"
    default_detail = "This file cannot be used as an intro video."


class InvalidZoomSignature(ServiceError):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "invalid_signature"
    default_detail = "The Zoom signature is missing, wrong or too old."


class InvalidZoomEvent(ServiceError):
    default_code = "invalid_event"
    default_detail = "This is not a Zoom event."


class NotAMember(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_a_member"
    default_detail = "You are not in this conversation."


class NotDirect(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "not_direct"
    default_detail = "Ask a teacher for free times in your one-to-one conversation with them."


class NotATeacher(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "not_a_teacher"
    default_detail = "The other person in this conversation is not a listed teacher."


class NoLessons(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "no_lessons"
    default_detail = "This teacher offers no lesson to book yet."
