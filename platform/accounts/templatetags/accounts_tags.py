"""Account parts of every website page."""

from typing import Any

from django import template

from .. import selectors
from ..roles import Role
from ..selectors import is_email_verified, pending_verification_email

register = template.Library()

# The code page shows its own form; the banner would only repeat it there.
PAGES_WITHOUT_BANNER = {"account_email_verification_sent"}


@register.inclusion_tag("accounts/includes/verify_email_banner.html", takes_context=True)
def verify_email_banner(context: dict[str, Any]) -> dict[str, Any]:
    """For a signed-in user whose address is not verified: why it matters, and either a link
    to the code page (a code is pending in this sign-in) or a button that emails a code."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"show": False}
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in PAGES_WITHOUT_BANNER:
        return {"show": False}
    if is_email_verified(user):
        return {"show": False}
    return {
        "show": True,
        "email": user.email,
        "pending": pending_verification_email(request) is not None,
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def has_role(user: Any, role: str) -> bool:
    """``{% if user|has_role:"teacher" %}``: for navigation only; views still check."""
    if not getattr(user, "is_authenticated", False):
        return False
    return selectors.has_role(user, Role(role))
