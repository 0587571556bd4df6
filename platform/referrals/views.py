from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from .receivers import COOKIE_NAME, SESSION_KEY


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
