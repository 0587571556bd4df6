"""API permissions shared by every app."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .selectors import is_email_verified


class IsEmailVerified(BasePermission):
    """Booking, paying and messaging need a verified email address; signing in and editing
    one's profile do not. Answers 403 with the code ``email_not_verified``."""

    message = "Verify your email address before you do this."
    code = "email_not_verified"

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and is_email_verified(user))
