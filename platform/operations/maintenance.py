"""Maintenance mode: the middleware that turns people away while an operator works.

Policy: staff (``is_staff``: admins, moderators, content creators) still use everything;
health and readiness checks, metrics, static files, sign-in (website, admin and the API's
auth endpoints) and the admin itself stay reachable for everyone so that staff can get in
and monitors keep working. Everybody else: the branded maintenance page (website) or a 503
in the one error shape with ``Retry-After`` (API). API clients are recognised as staff from
their bearer token too. The setting is read through the cache (dropped on save), so the check
costs no query per request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import DatabaseError
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

CACHE_KEY = "operations:maintenance:v1"
# Dropped on save (connect() below), so it can be kept long.
CACHE_SECONDS = 24 * 3600

# Reachable during maintenance by anybody.
OPEN_PREFIXES = (
    "/admin/",
    "/accounts/",
    "/api/auth/",
    "/api/v1/health/",
    "/api/v1/ready/",
    "/metrics",
    "/static/",
    "/i18n/",
    "/favicon",
    "/manifest",
    "/sw.js",
)


logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Maintenance:
    enabled: bool
    message: str
    retry_after_seconds: int


def current() -> Maintenance:
    try:
        state: Maintenance | None = cache.get(CACHE_KEY)
    except Exception:  # the cache (Redis) is down: read the row, never fail the request here
        state = None
    if state is None:
        from .models import MaintenanceSettings

        try:
            row = MaintenanceSettings.objects.first()
        except DatabaseError:  # the database is down: the request's own 503 says so
            return Maintenance(enabled=False, message="", retry_after_seconds=1800)
        state = Maintenance(
            enabled=bool(row and row.enabled),
            message=(row.message if row else "") or "",
            retry_after_seconds=(row.retry_after_minutes if row else 30) * 60,
        )
        try:
            cache.set(CACHE_KEY, state, CACHE_SECONDS)
        except Exception:
            logger.warning("Maintenance state not cached: the cache is unavailable")
    return state


def assume_off() -> None:
    """Caches "off" without reading the database (tests start from a database where it is)."""
    cache.set(CACHE_KEY, Maintenance(enabled=False, message="", retry_after_seconds=1800))


def forget(**kwargs: Any) -> None:
    cache.delete(CACHE_KEY)


def connect() -> None:
    from .models import MaintenanceSettings

    post_save.connect(forget, sender=MaintenanceSettings, dispatch_uid="operations.maintenance")
    post_delete.connect(
        forget, sender=MaintenanceSettings, dispatch_uid="operations.maintenance.delete"
    )


def _is_staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.is_staff)
    if request.path.startswith("/api/") and request.headers.get("Authorization"):
        from allauth.headless.contrib.rest_framework.authentication import (
            JWTTokenAuthentication,
        )
        from rest_framework.request import Request

        try:
            found = JWTTokenAuthentication().authenticate(Request(request))
        except Exception:  # a bad token is refused by the view later, as usual
            return False
        return bool(found and found[0].is_staff)
    return False


def default_message() -> str:
    return _("Toto is down for maintenance. We will be back shortly.")


class MaintenanceModeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = current()
        if not state.enabled or request.path.startswith(OPEN_PREFIXES) or _is_staff(request):
            return self.get_response(request)
        message = state.message or default_message()
        if request.path.startswith("/api/"):
            from core.api.errors import json_error_response

            response: HttpResponse = json_error_response(request, 503, "maintenance", message)
        else:
            response = render(
                request, "operations/maintenance.html", {"message": message}, status=503
            )
        response["Retry-After"] = str(state.retry_after_seconds)
        response["Cache-Control"] = "no-store"
        return response
