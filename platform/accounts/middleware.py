"""Two-factor authentication is required for admins and moderators before they reach the
Wagtail admin: without an authenticator they are sent to set one up first."""

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
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
    in the URL still wins (it names one translation of a page, interface included).

    On an unprefixed path the URL keeps naming the default-language content (Django's
    LocaleMiddleware resolves it in the default language, prefix_default_language=False) and
    the interface is switched after resolution: in ``process_view`` for the site's views, and
    for a Wagtail page once it is routed (``interface_language_for_page``, a
    ``before_serve_page`` hook), so /learn/… shows its English lessons around a Spanish or
    Arabic interface while /es/learn/… is the Spanish tree. Every time on the website is shown
    in the user's own time zone. Runs after AuthenticationMiddleware. API, admin and asset
    paths are left alone: the app sends Accept-Language and gets ISO times with their offset,
    and Wagtail's admin has its own per-user language and time zone preferences."""

    skipped_prefixes = ("/api/", "/admin/", "/django-admin/", "/static/", "/media/", "/ws/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language, zone = self.preferences_for(request)
        if language:
            request.interface_language = language  # type: ignore[attr-defined]
        if zone:
            timezone.activate(zone)
        try:
            response = self.get_response(request)
        finally:
            if zone:
                timezone.deactivate()
        if language:
            response.headers["Content-Language"] = translation.get_language()
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], *args: Any) -> None:
        language = getattr(request, "interface_language", None)
        if language and getattr(view_func, "__module__", "") != "wagtail.views":
            activate_interface_language(request, language)

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


def activate_interface_language(request: HttpRequest, language: str) -> None:
    translation.activate(language)
    request.LANGUAGE_CODE = language


def interface_language_for_page(request: HttpRequest) -> None:
    """Wagtail's before_serve_page: the page is routed (in the URL's content language), now
    its interface follows the person's language."""
    language = getattr(request, "interface_language", None)
    if language:
        activate_interface_language(request, language)
