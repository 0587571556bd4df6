"""Writes on accounts. Views, admin screens and the API call these, never the ORM directly."""

import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.log_actions import log

from core import activity
from core.uploads import RejectedUpload, checked_type, stored_name

from .errors import (
    InvalidDocumentError,
    InvalidImageError,
    NotATeacherError,
    SuspensionReasonRequired,
)
from .images import InvalidImage, avatar_renditions
from .mail import enqueue_email
from .models import (
    GuardianConsent,
    LearningLanguage,
    Profile,
    TeacherCertificate,
    TeacherProfile,
    User,
)
from .roles import GROUP_NAMES, SIGNUP_ROLES, STAFF_ROLES, Role

logger = logging.getLogger(__name__)

MAX_CERTIFICATE_BYTES = 10 * 1024 * 1024
CERTIFICATE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


@transaction.atomic
def grant_role(user: User, role: Role) -> None:
    # get_or_create: transactional tests flush the groups the migration made.
    user.groups.add(Group.objects.get_or_create(name=GROUP_NAMES[role])[0])
    if role == Role.ADMIN and not user.is_superuser:
        # Admins run the whole platform; new apps' permissions must not need re-granting.
        user.is_superuser = True
        user.is_staff = True
        user.save(update_fields=["is_superuser", "is_staff"])
    elif role in STAFF_ROLES and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    if role == Role.TEACHER:
        TeacherProfile.objects.get_or_create(user=user)


@transaction.atomic
def revoke_role(user: User, role: Role) -> None:
    user.groups.remove(Group.objects.get(name=GROUP_NAMES[role]))
    if role == Role.ADMIN and user.is_superuser:
        user.is_superuser = False
        user.save(update_fields=["is_superuser"])


@transaction.atomic
def set_roles(user: User, roles: Iterable[Role], *, by: User) -> None:
    """Makes the user's roles exactly ``roles`` (the admin's role assignment), logged."""
    from .selectors import roles_of

    wanted = set(roles)
    current = roles_of(user)
    for role in wanted - current:
        grant_role(user, role)
    for role in current - wanted:
        revoke_role(user, role)
    if wanted != current:
        log(
            instance=user,
            action="accounts.set_roles",
            user=by,
            data={"roles": sorted(wanted), "previous": sorted(current)},
        )


@transaction.atomic
def add_own_role(user: User, role: Role) -> None:
    """A person takes on a sign-up role themselves (a learner starts teaching, a teacher
    starts learning). Other roles are granted by admins or onboarding."""
    from .errors import RoleNotSelfServiceError

    if role not in SIGNUP_ROLES:
        raise RoleNotSelfServiceError()
    grant_role(user, role)


def split_full_name(full_name: str) -> tuple[str, str]:
    """First word and the rest: ``get_full_name`` joins them back as they were typed."""
    words = full_name.split()
    if not words:
        return "", ""
    return words[0][:150], " ".join(words[1:])[:150]


@transaction.atomic
def complete_signup(
    user: User,
    *,
    role: Role,
    full_name: str,
    marketing_emails: bool = False,
    date_of_birth: date | None = None,
) -> None:
    """What every new account gets beyond allauth's user and email rows: its name, its
    profile and the role chosen at sign-up (student or teacher)."""
    if role not in SIGNUP_ROLES:
        raise ValueError(f"{role} cannot be chosen at sign-up")
    user.first_name, user.last_name = split_full_name(full_name)
    user.save(update_fields=["first_name", "last_name"])
    # Marketing email only with the explicit opt-in of the sign-up form (off by default).
    profile_fields: dict[str, Any] = {"marketing_emails": marketing_emails}
    if date_of_birth is not None:
        profile_fields["date_of_birth"] = date_of_birth
    Profile.objects.update_or_create(user=user, defaults=profile_fields)
    grant_role(user, role)
    activity.record(user, "accounts.signed_up", data={"role": str(role)})


def request_guardian_consent(user: User, *, guardian_email: str) -> GuardianConsent:
    """Limits the account until the guardian consents, and emails them the signed link
    (accounts.guardians). Asking again (a lost email) sends a fresh link."""
    from .guardians import consent_token

    user.awaiting_guardian_consent = True
    user.save(update_fields=["awaiting_guardian_consent"])
    consent, _ = GuardianConsent.objects.update_or_create(
        user=user,
        defaults={"guardian_email": guardian_email.strip(), "requested_at": timezone.now()},
    )
    link = settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(
        "accounts:guardian-consent", args=[consent_token(user.pk)]
    )
    context = {"child": user.get_full_name() or user.email, "child_email": user.email, "link": link}
    enqueue_email(
        EmailMultiAlternatives(
            subject=gettext("%(child)s asks for your consent to use Toto") % context,
            body=render_to_string("accounts/email/guardian_consent.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[consent.guardian_email],
        )
    )
    return consent


@transaction.atomic
def answer_guardian_consent(user: User, *, consents: bool) -> GuardianConsent:
    """The guardian's answer, once: consent lifts the limits; declining closes the account
    (deactivated; its data can be erased like any other account's)."""
    consent = GuardianConsent.objects.select_for_update().get(user=user)
    if consent.consented_at or consent.declined_at:
        return consent
    now = timezone.now()
    if consents:
        consent.consented_at = now
        user.awaiting_guardian_consent = False
        user.save(update_fields=["awaiting_guardian_consent"])
    else:
        consent.declined_at = now
        user.is_active = False
        user.save(update_fields=["is_active"])
        _close_sockets_on_commit(user)
    consent.save(update_fields=["consented_at", "declined_at"])
    log(
        instance=user,
        action="accounts.guardian_consent",
        data={"consented": consents},
    )
    return consent


@transaction.atomic
def update_profile(
    user: User,
    *,
    user_fields: Mapping[str, Any] | None = None,
    profile_fields: Mapping[str, Any] | None = None,
    learning: Sequence[Mapping[str, str]] | None = None,
    teacher_fields: Mapping[str, Any] | None = None,
    notification_preferences: dict[str, dict[str, bool]] | None = None,
) -> Profile:
    """Applies already validated changes. ``learning``, when given, replaces the list of
    languages being learned; ``notification_preferences`` ({type: {channel: bool}}) go to
    the notifications app, their one source of truth."""
    profile = Profile.objects.select_for_update().get(user=user)
    if user_fields:
        for name, value in user_fields.items():
            setattr(user, name, value)
        user.save(update_fields=list(user_fields))
    if profile_fields:
        for name, value in profile_fields.items():
            setattr(profile, name, value)
        profile.save(update_fields=[*profile_fields, "updated_at"])
    if learning is not None:
        profile.learning.all().delete()
        LearningLanguage.objects.bulk_create(
            LearningLanguage(profile=profile, language=item["language"], level=item["level"])
            for item in learning
        )
    if teacher_fields:
        save_teacher_profile(user, **teacher_fields)
    if notification_preferences:
        from .notifications import set_preferences

        set_preferences(user, notification_preferences)
    return profile


@transaction.atomic
def save_teacher_profile(user: User, **fields: Any) -> TeacherProfile | None:
    """Changes the teacher's own profile fields (qualification, years of experience …),
    validated by the model. Only teachers have one (NotATeacherError otherwise); a teacher
    whose row is missing gets it, as granting the role would have made it."""
    if not fields:
        return None
    teacher = TeacherProfile.objects.select_for_update().filter(user=user).first()
    if teacher is None:
        if not user.groups.filter(name=GROUP_NAMES[Role.TEACHER]).exists():
            raise NotATeacherError()
        teacher = TeacherProfile(user=user)
    for name, value in fields.items():
        setattr(teacher, name, value)
    teacher.full_clean(exclude=["user"])
    teacher.save()
    return teacher


def _delete_stored_files(names: Iterable[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        if name:
            default_storage.delete(name)


def _delete_avatar_files(profile: Profile) -> None:
    for field in ("avatar", "avatar_medium", "avatar_small"):
        file = getattr(profile, field)
        if file:
            file.delete(save=False)


@transaction.atomic
def set_avatar(user: User, upload: UploadedFile) -> Profile:
    try:
        renditions = avatar_renditions(upload, stem=uuid.uuid4().hex)
    except InvalidImage as exc:
        raise InvalidImageError(str(exc)) from exc
    profile = Profile.objects.select_for_update().get(user=user)
    previous = [getattr(profile, field).name for field in renditions.files]
    for field, content in renditions.files.items():
        getattr(profile, field).save(content.name, content, save=False)
    profile.save(update_fields=["avatar", "avatar_medium", "avatar_small", "updated_at"])
    transaction.on_commit(lambda: _delete_stored_files(previous))
    return profile


@transaction.atomic
def remove_avatar(user: User) -> Profile:
    profile = Profile.objects.select_for_update().get(user=user)
    _delete_avatar_files(profile)
    profile.avatar = profile.avatar_medium = profile.avatar_small = ""
    profile.save(update_fields=["avatar", "avatar_medium", "avatar_small", "updated_at"])
    return profile


@transaction.atomic
def add_certificate(user: User, *, title: str, upload: UploadedFile) -> TeacherCertificate:
    """Stores a teacher's certificate, pending a moderator's verification."""
    teacher = TeacherProfile.objects.filter(user=user).first()
    if teacher is None:
        raise NotATeacherError()
    if upload.size is None or upload.size > MAX_CERTIFICATE_BYTES:
        raise InvalidDocumentError()
    try:
        content_type = checked_type(upload, CERTIFICATE_TYPES)
    except RejectedUpload as exc:
        raise InvalidDocumentError() from exc
    certificate = TeacherCertificate(teacher=teacher, title=title, content_type=content_type)
    certificate.file.save(stored_name(content_type), upload, save=False)
    certificate.save()
    return certificate


def _close_sockets_on_commit(user: User) -> None:
    from core.fanout import close_user_sockets

    user_id = user.pk
    transaction.on_commit(lambda: close_user_sockets(user_id))


@transaction.atomic
def suspend_user(user: User, *, by: User, reason: str) -> None:
    """Stops the account at once: sessions and API tokens are checked against is_active on
    every request and WebSocket connection."""
    if not reason.strip():
        raise SuspensionReasonRequired()
    user = User.objects.select_for_update().get(pk=user.pk)
    user.is_active = False
    user.suspended_at = timezone.now()
    user.suspension_reason = reason.strip()
    user.save(update_fields=["is_active", "suspended_at", "suspension_reason"])
    log(instance=user, action="accounts.suspend", user=by, data={"reason": reason.strip()})
    _close_sockets_on_commit(user)


@transaction.atomic
def reactivate_user(user: User, *, by: User, reason: str) -> None:
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.deleted_at is not None:
        raise ValueError("a deleted account cannot be reactivated")
    user.is_active = True
    user.suspended_at = None
    user.suspension_reason = ""
    user.save(update_fields=["is_active", "suspended_at", "suspension_reason"])
    log(instance=user, action="accounts.reactivate", user=by, data={"reason": reason.strip()})


@transaction.atomic
def delete_account(user: User) -> None:
    """The person's own deletion: the account is deactivated and everything that says who
    they were is erased. The user row itself stays, anonymised, so that records the law
    requires us to keep (invoices, payments, ledger entries) still point at something.

    Every app's ``personal_data.erase_personal_data(user)`` runs first, in this transaction
    (the contract: accounts.selectors.export_personal_data); if any fails, nothing is
    deleted. Sessions and API tokens stop at once (is_active is checked on every request),
    open sockets are closed after the commit."""
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    from .selectors import personal_data_modules

    user = User.objects.select_for_update().get(pk=user.pk)
    for _label, module in personal_data_modules():
        erase = getattr(module, "erase_personal_data", None)
        if erase is not None:
            erase(user)
    profile = Profile.objects.select_for_update().get(user=user)
    files = [getattr(profile, field) for field in ("avatar", "avatar_medium", "avatar_small")]
    teacher = TeacherProfile.objects.filter(user=user).first()
    if teacher is not None:
        files += [certificate.file for certificate in teacher.certificates.all()]
        teacher.certificates.all().delete()
        teacher.qualification = ""
        teacher.years_of_experience = 0
        teacher.save()
    profile.delete()
    Profile.objects.create(user=user)
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.first_name = user.last_name = ""
    user.set_unusable_password()
    user.is_active = False
    user.deleted_at = timezone.now()
    user.save()
    stored = [file.name for file in files if file]
    transaction.on_commit(lambda: _delete_stored_files(stored))
    _close_sockets_on_commit(user)
    logger.info("account %s deleted by its owner", user.pk)


@transaction.atomic
def review_certificate(
    certificate: TeacherCertificate, *, by: User, verified: bool
) -> TeacherCertificate:
    """A moderator's decision on a teacher's certificate, logged."""
    from .models import VerificationStatus

    certificate = TeacherCertificate.objects.select_for_update().get(pk=certificate.pk)
    certificate.status = VerificationStatus.VERIFIED if verified else VerificationStatus.REJECTED
    certificate.reviewed_at = timezone.now()
    certificate.reviewed_by = by
    certificate.save(update_fields=["status", "reviewed_at", "reviewed_by"])
    log(
        instance=certificate,
        action="accounts.review_certificate",
        user=by,
        data={"status": certificate.status},
    )
    return certificate
