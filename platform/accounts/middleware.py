"""Two-factor authentication is required for admins and moderators before they reach the
Wagtail admin: without an authenticator they are sent to set one up first."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _


def needs_two_factor_setup(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    from .selectors import roles_of

    if not getattr(user, "is_authenticated", False):
        return False
    required = set(getattr(settings, "TOTO_MFA_REQUIRED_ROLES", []))
    if not required.intersection(roles_of(user)):  # type: ignore[arg-type]
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireTwoFactorForStaffMiddleware:
    admin_prefix = "/admin/"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.admin_prefix) and needs_two_factor_setup(request.user):
            messages.warning(
                request,
                _("Set up two-factor authentication before you use the admin."),
            )
            return redirect(f"/accounts/2fa/totp/activate/?next={request.path}")
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in user's stored interface language wins over the language cookie and the
    browser's Accept-Language on the website (a language prefix in the URL still wins: it
    names one translation of a page). Runs after AuthenticationMiddleware. API, admin and
    asset paths are left alone: the app sends Accept-Language, and Wagtail's admin has its
    own per-user language preference."""

    skipped_prefixes = ("/api/", "/admin/", "/django-admin/", "/static/", "/media/", "/ws/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self.language_for(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language:
            response.headers.setdefault("Content-Language", language)
        return response

    def language_for(self, request: HttpRequest) -> str | None:
        if request.path_info.startswith(self.skipped_prefixes):
            return None
        if not getattr(request.user, "is_authenticated", False):
            return None
        if translation.get_language_from_path(request.path_info):
            return None
        from .selectors import interface_language_of

        language = interface_language_of(request.user)  # type: ignore[arg-type]
        if language and language in dict(settings.LANGUAGES):
            return language
        return None
