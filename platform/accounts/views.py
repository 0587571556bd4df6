"""The website's account pages beyond allauth's own (sign-up, sign-in, codes, passwords and
two-factor authentication are allauth's views with Toto's templates)."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.api.errors import ServiceError

from . import selectors, services
from .forms import (
    AvatarForm,
    DeleteAccountForm,
    LearningLanguageFormSet,
    ProfileForm,
    learning_from_formset,
)
from .requests import user_of


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    own = selectors.own_profile(user)
    form = ProfileForm(request.POST or None, instance=own)
    languages = LearningLanguageFormSet(request.POST or None, instance=own, prefix="learning")
    if request.method == "POST" and form.is_valid() and languages.is_valid():
        services.update_profile(
            user,
            user_fields=form.user_changes(),
            profile_fields=form.profile_changes(),
            learning=learning_from_formset(languages),
            notification_preferences=form.notification_changes(),
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "languages": languages,
            "avatar_form": AvatarForm(),
            "profile": own,
            "email_verified": selectors.email_verified_from_prefetch(own.user),
        },
    )


@login_required
@require_http_methods(["POST"])
def avatar(request: HttpRequest) -> HttpResponse:
    form = AvatarForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.set_avatar(user_of(request), form.cleaned_data["avatar"])
        except ServiceError as exc:  # an invalid image, or one the virus scanner refused
            messages.error(request, str(exc.detail))
        else:
            messages.success(request, _("Your new picture is saved."))
    else:
        messages.error(request, _("Choose a JPEG, PNG or WebP image of at most 5 MB."))
    return redirect("accounts:profile")


@login_required
@require_http_methods(["GET"])
def export(request: HttpRequest) -> HttpResponse:
    data = selectors.export_personal_data(user_of(request))
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json",
    )
    response["Content-Disposition"] = 'attachment; filename="toto-my-data.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.delete_account(user_of(request))
        logout(request)
        messages.success(request, _("Your account is deleted. Goodbye!"))
        return redirect("account_login")
    return render(request, "accounts/delete.html", {"form": form})


@require_http_methods(["POST"])
def set_language(request: HttpRequest) -> HttpResponse:
    """The site's language switcher: Django's set_language (cookie and redirect), and for a
    signed-in user the choice is also stored as their interface language, which
    UserLanguageMiddleware applies on every later visit, on any device."""
    from django.views.i18n import set_language as django_set_language

    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.update_profile(request.user, profile_fields={"interface_language": language})
    return django_set_language(request)


@require_http_methods(["GET", "HEAD"])
def admin_login(request: HttpRequest) -> HttpResponse:
    """Wagtail's sign-in page sends people to allauth's, which applies two-factor
    authentication, and back to the admin afterwards."""
    from django.http import QueryDict
    from django.urls import reverse

    if request.user.is_authenticated:
        # Wagtail sends a signed-in user without admin access here; allauth would send them
        # straight back to the admin, and round again: tell them instead.
        return admin_not_for_you(request)
    query = QueryDict(mutable=True)
    query["next"] = request.GET.get("next") or "/admin/"
    return redirect(f"{reverse('account_login')}?{query.urlencode(safe='/')}")


def admin_not_for_you(request: HttpRequest) -> HttpResponse:
    """Where a learner or a teacher lands on opening /admin/: the admin is the team's, and
    their own pages are linked from here."""
    from .roles import Role

    user = user_of(request)
    # Wagtail's own refusal ("You do not have permission …") would be repeated above what this
    # page says: mark the pending messages read and show none.
    list(messages.get_messages(request))
    return render(
        request,
        "accounts/admin_not_for_you.html",
        {"is_teacher": selectors.has_role(user, Role.TEACHER), "messages": []},
        status=403,
    )


@login_required
@require_http_methods(["GET"])
def guardian_consent_pending(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not user.awaiting_guardian_consent:
        return redirect("/")
    return render(request, "accounts/guardian_pending.html", {"user": user})


@require_http_methods(["GET", "POST"])
def guardian_consent(request: HttpRequest, token: str) -> HttpResponse:
    """The guardian's page, reached from the signed link (no sign-in: the signature is the
    proof). GET explains; POST records the answer."""
    from .guardians import user_id_from_token
    from .models import GuardianConsent

    user_id = user_id_from_token(token)
    consent = (
        GuardianConsent.objects.select_related("user").filter(user_id=user_id).first()
        if user_id
        else None
    )
    if consent is None:
        return render(request, "accounts/guardian_consent.html", {"invalid": True}, status=404)
    if request.method == "POST" and request.POST.get("answer") in {"consent", "decline"}:
        consent = services.answer_guardian_consent(
            consent.user, consents=request.POST["answer"] == "consent"
        )
    return render(request, "accounts/guardian_consent.html", {"consent": consent})
