from typing import Any

from django.apps import AppConfig


def _sign_in_is_not_held_by_the_code_cooldown() -> None:
    """Stops allauth refusing a password sign-in for up to 10 s after a code was emailed.

    The cause: with ACCOUNT_EMAIL_VERIFICATION = "mandatory" (which verification by code
    requires), allauth's login input and form call ``flows.login.is_login_rate_limited``
    before signing in. It answers "limited" when the address is unverified and the
    ``confirm_email`` rate limit (one code per address per 10 s) is used up, because under
    "mandatory" its sign-in step would email a new code and have to answer 429. The person
    then sees ``too_many_login_attempts``. Toto's sign-in step
    (accounts.stages.EmailVerificationAfterSignInStage) runs allauth's "optional" branch
    and never emails a code at sign-in, so that check does not apply: it is asked about the
    login as Toto's stage will handle it. allauth offers no setting or adapter method for
    this check (it is a module function the headless input and the website form both look
    up at call time), hence the wrapper; the failed-sign-in lockout (``login_failed``) is
    untouched. tests/platform/accounts/test_sign_in_right_after_signup.py pins it."""
    import copy

    from allauth.account import app_settings
    from allauth.account.internal.flows import login as login_flow

    original = login_flow.is_login_rate_limited
    if getattr(original, "toto_wrapped", False):
        return

    def is_login_rate_limited(request: Any, login: Any) -> bool:
        if login.email_verification == app_settings.EmailVerificationMethod.MANDATORY:
            login = copy.copy(login)
            login.email_verification = app_settings.EmailVerificationMethod.OPTIONAL
        return bool(original(request, login))

    is_login_rate_limited.toto_wrapped = True  # type: ignore[attr-defined]
    login_flow.is_login_rate_limited = is_login_rate_limited


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .api import schema  # noqa: F401 - registers the OpenAPI auth extension

        _sign_in_is_not_held_by_the_code_cooldown()
