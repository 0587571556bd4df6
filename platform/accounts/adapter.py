"""allauth adapters: how Toto sends allauth's emails and finishes social sign-ups."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.http import HttpRequest

from .mail import enqueue_email
from .models import User
from .roles import Role


class AccountAdapter(DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        # Sign-in is never held back for the code (see accounts.stages).
        return [
            "accounts.stages.EmailVerificationAfterSignInStage"
            if path == "allauth.account.stages.EmailVerificationStage"
            else path
            for path in super().get_login_stages()
        ]

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        """New accounts are signed in at once; the website shows where the emailed code goes
        (they may leave it for later: a banner on every page links back)."""
        from django.urls import reverse

        from .selectors import pending_verification_email

        if request.user.is_authenticated and pending_verification_email(request):
            return reverse("account_email_verification_sent")
        return self._learner_first_step(request.user) or super().get_signup_redirect_url(request)

    def get_email_verification_redirect_url(self, email_address: Any) -> str:
        """A new learner's code, once confirmed, leads to the interests step (suggestions of
        topics, then people to follow) with a skip link; teachers keep their own flow."""
        user = self.request.user
        first = self._learner_first_step(user) if user.is_authenticated else ""
        return first or super().get_email_verification_redirect_url(email_address)

    @staticmethod
    def _learner_first_step(user: Any) -> str:
        """The interests page (social's, reached by URL name: accounts imports no app above
        it) for an account that is only a learner and joined in the last day; "" else."""
        from datetime import timedelta

        from django.urls import reverse
        from django.utils import timezone

        from .selectors import roles_of

        if not getattr(user, "is_authenticated", False):
            return ""
        if roles_of(user) != {Role.STUDENT}:
            return ""
        if user.date_joined < timezone.now() - timedelta(days=1):
            return ""
        return reverse("social-interests-page") + "?welcome=1"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request
        full_context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        message = self.render_mail(template_prefix, email, full_context)
        enqueue_email(message)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> User:
        from .selectors import roles_of
        from .services import complete_signup

        user: User = super().save_user(request, sociallogin, form)
        if not roles_of(user):
            # People arriving through Google, Facebook or Apple start as learners; they can
            # become teachers from their profile.
            complete_signup(user, role=Role.STUDENT, full_name=user.get_full_name())
        return user
