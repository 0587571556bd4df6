"""Toto's email verification step of allauth's sign-in.

allauth ties verification by code to ACCOUNT_EMAIL_VERIFICATION = "mandatory" (a system check
refuses anything else) and, when mandatory, stops every sign-in of an unverified account at
the code. Toto's policy is different: an unverified account signs in and edits its profile;
only booking, paying and messaging wait for the code (accounts.permissions.IsEmailVerified).
So this stage runs allauth's own "optional" branch: the code is emailed at sign-up (kept in
the session by allauth, entered whenever the user likes) and sign-in is never held back.
"""

from typing import Any

from allauth.account import app_settings
from allauth.account.stages import EmailVerificationStage


class EmailVerificationAfterSignInStage(EmailVerificationStage):
    def handle(self) -> tuple[Any, bool]:
        if self.login.email_verification != app_settings.EmailVerificationMethod.NONE:
            self.login.email_verification = app_settings.EmailVerificationMethod.OPTIONAL
        return super().handle()
