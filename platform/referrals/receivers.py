from typing import Any

from allauth.account.signals import user_signed_up
from django.dispatch import receiver
from django.http import HttpRequest

from core.net import client_ip
from payments.models import Payment
from payments.signals import payment_succeeded

from . import services

SESSION_KEY = "referral_code"
COOKIE_NAME = "toto_ref"


def request_meta(request: HttpRequest | None) -> dict[str, Any]:
    if request is None:
        return {}
    return {
        "ip": client_ip(request),
        "device_id": request.headers.get("X-Device-Id", ""),
        "user_agent": request.headers.get("User-Agent", ""),
    }


def referral_code_from(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    session = getattr(request, "session", None)
    return (
        request.headers.get("X-Referral-Code")
        or (session.get(SESSION_KEY) if session is not None else "")
        or request.COOKIES.get(COOKIE_NAME, "")
        or ""
    )


@receiver(user_signed_up, dispatch_uid="referrals.attribute_on_signup")
def attribute_on_signup(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    code = referral_code_from(request)
    if code:
        services.attribute_referral(user, code, request_meta(request))
    else:
        services.record_signup(user, request_meta(request))


@receiver(payment_succeeded, sender=Payment, dispatch_uid="referrals.reward_first_purchase")
def reward_first_purchase(sender: Any, payment: Payment, **kwargs: Any) -> None:
    services.on_payment_succeeded(payment)
