"""Minimum age (``MINIMUM_AGE``) and the guardian-consent flow (``UNDERAGE_POLICY``).

Sign-up asks for the date of birth when a minimum age is set (accounts.forms.SignupForm, on
the website and the headless API alike). Under the age, "refuse" turns the sign-up down with
a field error; "guardian_consent" creates the account limited (``User.
awaiting_guardian_consent``) and emails the guardian a signed link (``consent_token``, valid
``GUARDIAN_CONSENT_MAX_AGE_DAYS``). Until the guardian consents, ``GuardianConsentMiddleware``
answers the API with ``403 guardian_consent_required`` and sends website pages to a page that
says so; signing in and out, the legal pages, the data export and account deletion stay open.
A guardian who declines closes the account (deactivated; the person's data can then be
erased like any account's)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

REFUSE = "refuse"
GUARDIAN_CONSENT = "guardian_consent"
SALT = "accounts.guardian-consent"
PENDING_PATH = "/accounts/guardian-consent/pending/"

EXEMPT_PREFIXES = (
    "/api/auth/",
    "/api/v1/legal/",
    "/api/v1/health/",
    "/api/v1/schema/",
    "/api/docs/",
    "/api/v1/users/me/export/",
    "/accounts/",
    "/legal/",
    "/static/",
    "/media/",
    "/i18n/",
    "/metrics",
    "/admin/",
    "/django-admin/",
)


def minimum_age() -> int:
    return int(settings.MINIMUM_AGE or 0)


def policy() -> str:
    return str(settings.UNDERAGE_POLICY)


def age_on(born: datetime.date, today: datetime.date) -> int:
    """Completed years (someone born on 29 February turns a year older on 1 March)."""
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def is_under_age(born: datetime.date, today: datetime.date) -> bool:
    return minimum_age() > 0 and age_on(born, today) < minimum_age()


def consent_token(user_id: Any) -> str:
    return signing.dumps(str(user_id), salt=SALT)


def user_id_from_token(token: str) -> str | None:
    max_age = datetime.timedelta(days=settings.GUARDIAN_CONSENT_MAX_AGE_DAYS)
    try:
        return str(signing.loads(token, salt=SALT, max_age=max_age))
    except signing.BadSignature:
        return None


def consent_required_response() -> JsonResponse:
    from core.api.errors import error_body

    body = error_body(
        "guardian_consent_required",
        _(
            "Your account is waiting for your parent's or guardian's consent: we emailed "
            "them a link."
        ),
    )
    return JsonResponse(body, status=403)


def _api_user(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    if "Authorization" not in request.headers:
        return None
    from allauth.headless.contrib.rest_framework.authentication import JWTTokenAuthentication
    from rest_framework.exceptions import APIException
    from rest_framework.request import Request

    try:
        found = JWTTokenAuthentication().authenticate(Request(request))
    except APIException:
        return None
    return found[0] if found else None


class GuardianConsentMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if minimum_age() <= 0 or request.path.startswith(EXEMPT_PREFIXES):
            return self.get_response(request)
        if request.method == "DELETE" and request.path == "/api/v1/users/me/":
            return self.get_response(request)
        if request.path.startswith("/api/"):
            user = _api_user(request)
            if user is not None and user.awaiting_guardian_consent:
                return consent_required_response()
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.awaiting_guardian_consent:
            return redirect(PENDING_PATH)
        return self.get_response(request)
