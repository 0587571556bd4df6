from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse

from accounts.requests import user_of

from . import selectors, services
from .models import ReferralProgramSettings
from .receivers import COOKIE_NAME, SESSION_KEY


@login_required
def referrals_page(request: HttpRequest) -> HttpResponse:
    """My code and share link, and the friends who joined with it."""
    code = services.code_for(user_of(request))
    return TemplateResponse(
        request,
        "referrals/referrals.html",
        {
            "code": code.code,
            "share_link": request.build_absolute_uri(
                reverse("referral-share-link", args=[code.code])
            ),
            "program": ReferralProgramSettings.load(request_or_site=request),
            "referrals": selectors.referrals_made_by(user_of(request))[:200],
        },
    )


def share_link(request: HttpRequest, code: str) -> HttpResponse:
    """/r/<code>/: remembers the code for the sign-up that follows (session and a 30-day
    cookie, for a sign-up on another day) and sends the visitor to sign up."""
    request.session[SESSION_KEY] = code.upper()
    try:
        target = reverse("account_signup")
    except NoReverseMatch:  # the website's sign-up page is not mounted: the home page then
        target = "/"
    response = redirect(target)
    response.set_cookie(
        COOKIE_NAME, code.upper(), max_age=30 * 86400, samesite="Lax", httponly=True
    )
    return response
