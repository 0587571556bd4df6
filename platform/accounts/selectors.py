"""Reads on accounts. Who may see what is decided here, not in views."""

import importlib
import importlib.util
from types import ModuleType
from typing import Any

from django.apps import apps
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse

from .models import LearningLanguage, Profile, TeacherCertificate, TeacherProfile, User
from .roles import ROLE_BY_GROUP_NAME, Role


def roles_of(user: User) -> set[Role]:
    """The user's roles, from the groups already prefetched when they were (no extra query
    per user on lists that prefetch ``groups``)."""
    names = {group.name for group in user.groups.all()}
    roles = {ROLE_BY_GROUP_NAME[name] for name in names if name in ROLE_BY_GROUP_NAME}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    return roles


def has_role(user: User, role: Role) -> bool:
    return role in roles_of(user)


def is_email_verified(user: User) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def interface_language_of(user: User) -> str | None:
    return Profile.objects.filter(user=user).values_list("interface_language", flat=True).first()


def website_preferences_of(user: User) -> tuple[str | None, str | None]:
    """The interface language and time zone the website is shown in, in one query."""
    row = Profile.objects.filter(user=user).values_list("interface_language", "time_zone").first()
    return (row[0], row[1]) if row else (None, None)


def pending_verification_email(request: HttpRequest) -> str | None:
    """The address a code was emailed to in this sign-in and can still be entered (allauth
    keeps the pending code in the session; expired or voided codes are dropped here)."""
    from allauth.account.internal.flows.email_verification_by_code import (
        EmailVerificationProcess,
    )

    process = EmailVerificationProcess.resume(request)
    if process is None or process.state.get("user_id") != str(request.user.pk):
        return None
    return process.email


def _profiles() -> QuerySet[Profile]:
    return Profile.objects.select_related("user", "user__teacher_profile").prefetch_related(
        "user__groups",
        Prefetch("learning", queryset=LearningLanguage.objects.order_by("language")),
    )


def own_profile(user: User) -> Profile:
    """The signed-in person's profile with everything the profile screens show, in a fixed
    number of queries (email addresses prefetched for ``email_verified``)."""
    from allauth.account.models import EmailAddress

    return (
        _profiles()
        .prefetch_related(Prefetch("user__emailaddress_set", queryset=EmailAddress.objects.all()))
        .get(user=user)
    )


def public_profile(user_id: Any) -> Profile:
    """Someone else's profile as anyone may see it: active accounts only (suspended and
    deleted people are not found). Serializers show ``Profile.PUBLIC_FIELDS`` only."""
    return get_object_or_404(_profiles().filter(user__is_active=True), user_id=user_id)


def email_verified_from_prefetch(user: User) -> bool:
    return any(
        address.verified and address.email.lower() == user.email.lower()
        # allauth (untyped) adds this reverse relation to the user model.
        for address in user.emailaddress_set.all()  # type: ignore[attr-defined]
    )


def teacher_profile_of(user: User) -> TeacherProfile | None:
    """The person's teacher profile, if they have one (fetched fresh, not the cached
    relation)."""
    return TeacherProfile.objects.filter(user=user).first()


def certificates_of(user: User) -> QuerySet[TeacherCertificate]:
    return TeacherCertificate.objects.filter(teacher__user=user).order_by("-uploaded_at")


def certificate_review_times(start: Any, end: Any) -> tuple[list[tuple[Any, float]], int]:
    """Certificates decided (verified or rejected) in [start, end): each one's decision time
    and the hours it waited since its upload; and how many wait for a decision now. Two
    queries (analytics' time-to-verification chart)."""
    from django.db.models import DurationField, ExpressionWrapper, F

    from .models import VerificationStatus

    decided = [
        (reviewed_at, waited.total_seconds() / 3600)
        for reviewed_at, waited in TeacherCertificate.objects.filter(
            reviewed_at__gte=start, reviewed_at__lt=end
        )
        .exclude(status=VerificationStatus.PENDING)
        .annotate(
            waited=ExpressionWrapper(
                F("reviewed_at") - F("uploaded_at"), output_field=DurationField()
            )
        )
        .values_list("reviewed_at", "waited")
    ]
    waiting = TeacherCertificate.objects.filter(status=VerificationStatus.PENDING).count()
    return decided, waiting


def certificate_file_for(user: User, certificate_id: Any) -> TeacherCertificate:
    """A certificate whose file ``user`` may open: their own, or any for moderators (who
    verify them); 404 for anyone else."""
    certificates = TeacherCertificate.objects.all()
    if not has_role(user, Role.MODERATOR):
        certificates = certificates.filter(teacher__user=user)
    certificate = certificates.filter(pk=certificate_id).first()
    if certificate is None:
        raise Http404("No such certificate.")
    return certificate


def export_personal_data(user: User) -> dict[str, Any]:
    """Everything Toto holds about the person, as JSON-ready data (the data-portability
    export, ``GET /api/v1/users/me/export/``).

    The personal-data contract, for every app that stores anything about a person: a
    ``<app>.personal_data`` module defining

    - ``export_personal_data(user) -> dict``: everything the app holds about the person,
      JSON-ready (datetimes ISO 8601, money as decimal strings: see accounts.exporting),
      never another person's data (others appear by id at most). It appears under the
      app's label. It must cost a fixed number of queries, whatever the number of rows
      (select_related / prefetch_related): the whole export's count is pinned in
      tests/platform/accounts/test_personal_data_across_apps.py.
    - ``erase_personal_data(user) -> None`` (optional): called by
      ``accounts.services.delete_account`` inside its transaction, with the user row locked
      and not yet anonymised. It deletes or anonymises what the app holds about the person
      and keeps what the law requires (invoices, payments, ledger entries, payouts) or what
      others need (reviews, conversations' shape), tied to the anonymised account only. It
      sends nothing itself: files and provider calls go after the commit
      (``transaction.on_commit``). Its module docstring says what is kept and why.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    profile = own_profile(user)
    account = profile.user
    teacher: TeacherProfile | None = getattr(account, "teacher_profile", None)
    data: dict[str, Any] = {
        "account": {
            "id": str(account.pk),
            "email": account.email,
            "first_name": account.first_name,
            "last_name": account.last_name,
            "date_joined": account.date_joined.isoformat(),
            "last_login": account.last_login.isoformat() if account.last_login else None,
            "roles": sorted(roles_of(account)),
        },
        "email_addresses": [
            {"email": address.email, "primary": address.primary, "verified": address.verified}
            for address in EmailAddress.objects.filter(user=user)
        ],
        "profile": {
            "phone": profile.phone,
            "gender": profile.gender,
            "date_of_birth": profile.date_of_birth.isoformat() if profile.date_of_birth else None,
            "bio": profile.bio,
            "city": profile.city,
            "country": profile.country,
            "postal_code": profile.postal_code,
            "status": profile.status,
            "native_language": profile.native_language,
            "time_zone": profile.time_zone,
            "interface_language": profile.interface_language,
            "avatar": profile.avatar.url if profile.avatar else None,
            "learning": [
                {"language": item.language, "level": item.level} for item in profile.learning.all()
            ],
        },
        "teacher": None,
        "social_accounts": [
            {"provider": social.provider, "uid": social.uid, "date_joined": str(social.date_joined)}
            for social in SocialAccount.objects.filter(user=user)
        ],
        "two_factor": sorted(
            Authenticator.objects.filter(user=user).values_list("type", flat=True)
        ),
    }
    if teacher is not None:
        data["teacher"] = {
            "qualification": teacher.qualification,
            "years_of_experience": teacher.years_of_experience,
            "certificates": [
                {
                    "title": certificate.title,
                    "status": certificate.status,
                    "uploaded_at": certificate.uploaded_at.isoformat(),
                    "file": reverse("users-me-certificate-file", args=[certificate.pk]),
                }
                for certificate in certificates_of(user)
            ],
        }
    for label, module in personal_data_modules():
        data[label] = module.export_personal_data(user)
    return data


def personal_data_modules() -> list[tuple[str, ModuleType]]:
    """(app label, ``<app>.personal_data`` module) of every installed app that has one, in
    INSTALLED_APPS order."""
    found = []
    for app_config in apps.get_app_configs():
        if app_config.name == "accounts":
            continue
        if importlib.util.find_spec(f"{app_config.name}.personal_data") is None:
            continue
        found.append(
            (app_config.label, importlib.import_module(f"{app_config.name}.personal_data"))
        )
    return found
