"""A demo referral: the demo student invited the demo teacher, who has not bought anything
yet, so it waits for a first purchase. Idempotent."""

from collections.abc import Callable

from django.contrib.auth import get_user_model

from .models import Referral
from .services import code_for


def demo_referral() -> str:
    users = get_user_model().objects.filter(
        email__in=["student@toto.localhost", "teacher@toto.localhost"]
    )
    by_email = {user.email: user for user in users}
    referrer, referred = (
        by_email.get("student@toto.localhost"),
        by_email.get("teacher@toto.localhost"),
    )
    if referrer is None or referred is None:
        return "demo users missing: no demo referral"
    code = code_for(referrer)
    referral, _ = Referral.objects.get_or_create(
        referred=referred, defaults={"referrer": referrer, "code": code.code}
    )
    return f"referral code {code.code} for {referrer.email}; {referral}"


DEMO_STEPS: list[Callable[[], str]] = [demo_referral]
