"""Gamification's domain errors, in the API's one error shape (core.api.errors)."""

from rest_framework import status

from core.api.errors import ServiceError


class FreezeLimit(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "freeze_limit"
    default_detail = "You already hold two streak freezes, the most you can hold."


class NothingToRepair(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "nothing_to_repair"
    default_detail = "There is no lost streak to repair, or its repair window has passed."


class BadgeNotEarned(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "badge_not_earned"
    default_detail = "You have not earned this badge."


class SharingUnavailable(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "sharing_unavailable"
    default_detail = "Sharing as a moment needs the community feed, which is not installed."
