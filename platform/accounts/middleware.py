"""Two-factor authentication is required for admins and moderators before they reach the
Wagtail admin: without an authenticator they are sent to set one up first."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
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
