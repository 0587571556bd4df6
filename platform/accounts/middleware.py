"""Two-factor authentication is required for admins and moderators before they reach the
Wagtail admin: without an authenticator they are sent to set one up first."""

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import get_script_prefix, is_valid_path
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


def needs_two_factor_setup(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    from .selectors import roles_of

    if not getattr(user, "is_authenticated", False):
        return False
    required = set(settings.TOTO_MFA_REQUIRED_ROLES)
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
    """The website's interface language: a signed-in user's stored interface language, else
    the language cookie (the switcher), else the browser's Accept-Language; a language prefix
    in the URL still wins (it names one translation of a page). Django's LocaleMiddleware alone
    would show every unprefixed path in the default language (prefix_default_language=False),
    so the choice is activated here, and a Wagtail page asked for without a prefix in another
    language is redirected to its prefixed address (/es/learn/; Arabic, which has no content
    locale, gets the English page around an Arabic interface). Every time on the website is
    shown in the user's own time zone. Runs after AuthenticationMiddleware. API, admin and
    asset paths are left alone: the app sends Accept-Language and gets ISO times with their
    offset, and Wagtail's admin has its own per-user language and time zone preferences."""

    skipped_prefixes = ("/api/", "/admin/", "/django-admin/", "/static/", "/media/", "/ws/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language, zone = self.preferences_for(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        if zone:
            timezone.activate(zone)
        try:
            response = self.get_response(request)
        finally:
            if zone:
                timezone.deactivate()
        if language:
            redirect_to = self.prefixed_page(request, response, language)
            if redirect_to:
                response = HttpResponseRedirect(redirect_to)
            response.headers.setdefault("Content-Language", language)
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    @staticmethod
    def prefixed_page(request: HttpRequest, response: HttpResponse, language: str) -> str | None:
        """The language-prefixed address of an unprefixed page that only exists under a
        prefix in this language (a Wagtail page), as LocaleMiddleware does when the default
        language is prefixed too."""
        if (
            response.status_code != 404
            or request.method not in ("GET", "HEAD")
            or language == settings.LANGUAGE_CODE
        ):
            return None
        urlconf = getattr(request, "urlconf", None)
        language_path = f"/{language}{request.path_info}"
        with translation.override(language):
            if not is_valid_path(language_path, urlconf):
                return None
        prefix = get_script_prefix()
        return request.get_full_path().replace(prefix, f"{prefix}{language}/", 1)

    def preferences_for(self, request: HttpRequest) -> tuple[str | None, ZoneInfo | None]:
        if request.path_info.startswith(self.skipped_prefixes):
            return None, None
        if not getattr(request.user, "is_authenticated", False):
            language, zone_name = None, None
        else:
            from .selectors import website_preferences_of

            language, zone_name = website_preferences_of(request.user)  # type: ignore[arg-type]
        zone = None
        if zone_name:
            try:
                zone = ZoneInfo(zone_name)
            except (ZoneInfoNotFoundError, ValueError):
                zone = None
        if translation.get_language_from_path(request.path_info):
            return None, zone
        if language and language in dict(settings.LANGUAGES):
            return language, zone
        # The switcher's cookie, else the browser's Accept-Language (else the default).
        return translation.get_language_from_request(request), zone
