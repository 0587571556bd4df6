"""Domain errors of the materials app, each with its HTTP status and stable code."""

from rest_framework import status

from core.api.errors import ServiceError


class InvalidMaterialFile(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_material_file"
    default_detail = "Upload a PDF, an audio or a video file."


class MaterialTooLarge(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "material_too_large"
    default_detail = "This file is too large."


class NotATeacher(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "not_a_teacher"
    default_detail = "Only teachers keep a materials library."


class NotYourLearner(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "not_your_learner"
    default_detail = "You can share materials only with learners who have booked a lesson with you."


class MaterialInUse(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "material_in_use"
    default_detail = "This material is part of a pack; remove it from the pack first."


class InvalidPack(ServiceError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_pack"
    default_detail = "This pack is not complete."


class PackNotForSale(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "pack_not_for_sale"
    default_detail = "This pack cannot be bought."


class PackIsFree(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "pack_is_free"
    default_detail = "This pack is free: get it without paying."


class PackNotFree(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "pack_not_free"
    default_detail = "This pack is sold: buy it through the checkout."


class AlreadyPurchased(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "already_purchased"
    default_detail = "You already own this pack."


class RatingNotAllowed(ServiceError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "rating_not_allowed"
    default_detail = "Only buyers of a pack can rate it."


class AlreadyRated(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "already_rated"
    default_detail = "You have already rated this pack."
