"""The signed-in user of a request, typed, for views behind ``login_required``, DRF's
``IsAuthenticated`` or Wagtail's admin: their ``request.user`` is never anonymous, and this
says so to mypy (and refuses, rather than trusting, should a view ever be mounted without
the guard)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from .models import User


def user_of(request: HttpRequest | Request) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
