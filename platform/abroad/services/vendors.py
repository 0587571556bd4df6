"""Vendor onboarding: applications with documents, and their verification (approve with a
draft listing, decline with a reason)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page

from accounts.models import User
from cms.abroad.models import DestinationPage, HomestayPage, InstitutePage
from core import dispatch

from ..errors import (
    ApplicationPending,
    DocumentRejected,
    InvalidBookingState,
    NotAllowed,
    NotBookable,
)
from ..models import ApplicationStatus, DocumentKind, VendorApplication, VendorDocument, VendorKind

DOCUMENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/webp"})
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
REQUIRED_DOCUMENTS = {
    VendorKind.INSTITUTION: (DocumentKind.ID, DocumentKind.LICENCE),
    VendorKind.HOMESTAY: (DocumentKind.ID, DocumentKind.PROOF_OF_ADDRESS),
}


def apply_as_vendor(
    user: User,
    *,
    kind: str,
    organisation: str,
    destination_id: Any,
    address: str,
    phone: str,
    about: str,
    documents: dict[str, UploadedFile],
    website: str = "",
    accreditation: str = "",
    payout_holder: str = "",
    payout_details: str = "",
) -> VendorApplication:
    """A school or host applies: their details and documents (judged by content, stored
    privately) go to the verification queue; moderators are told."""
    from core.uploads import RejectedUpload, checked_type, stored_name

    if kind not in VendorKind.values:
        raise NotBookable("Apply as a language school or as a homestay host.")
    destination = DestinationPage.objects.live().filter(pk=destination_id).first()
    if destination is None:
        raise NotBookable("Choose the city you are in.")
    missing = [
        DocumentKind(name).label
        for name in REQUIRED_DOCUMENTS[VendorKind(kind)]
        if name not in documents
    ]
    if missing:
        raise DocumentRejected(f"Please upload: {', '.join(str(name) for name in missing)}.")
    checked: list[tuple[str, str, UploadedFile]] = []
    for name, upload in documents.items():
        if name not in DocumentKind.values:
            raise DocumentRejected("Unknown kind of document.")
        if upload.size is None or upload.size > MAX_DOCUMENT_BYTES:
            raise DocumentRejected()
        try:
            mime = checked_type(upload, DOCUMENT_TYPES)
        except RejectedUpload as error:
            raise DocumentRejected() from error
        checked.append((name, mime, upload))
    with transaction.atomic():
        if (
            VendorApplication.objects.select_for_update()
            .filter(user=user, status=ApplicationStatus.PENDING)
            .exists()
        ):
            raise ApplicationPending()
        application = VendorApplication.objects.create(
            user=user,
            kind=kind,
            organisation=organisation.strip()[:160],
            destination=destination,
            address=address.strip()[:200],
            phone=phone.strip()[:40],
            website=website,
            about=about.strip()[:2000],
            accreditation=accreditation.strip()[:200],
            payout_holder=" ".join(payout_holder.split())[:140],
            payout_details=" ".join(payout_details.upper().split())[:34],
        )
        for name, mime, upload in checked:
            document = VendorDocument(application=application, kind=name, content_type=mime)
            document.file.save(stored_name(mime), upload, save=False)
            document.save()
        dispatch.enqueue_on_commit("abroad.notify_application", application.pk)
    return application


def _require_verifier(user: User) -> None:
    if not (user.is_superuser or user.has_perm("abroad.change_vendorapplication")):
        raise NotAllowed()


def _draft_listing(application: VendorApplication) -> Page:
    """The vendor's listing as a draft page under their city, owned by them: they fill it
    in the restricted editor and submit it to moderation."""
    from wagtail.coreutils import find_available_slug

    destination = application.destination
    if destination is None:
        raise InvalidBookingState("The application's city no longer exists.")
    common: dict[str, Any] = {
        "title": application.organisation,
        "slug": find_available_slug(destination, slugify(application.organisation) or "listing"),
        "address": application.address,
        "latitude": destination.latitude,
        "longitude": destination.longitude,
        "owner": application.user,
        "live": False,
    }
    page: Page
    if application.kind == VendorKind.INSTITUTION:
        page = InstitutePage(
            profile=application.about, accreditation=application.accreditation, **common
        )
    else:
        page = HomestayPage(host_profile=application.about, **common)
    destination.add_child(instance=page)
    page.save_revision(user=application.user, log_action=False)
    return page


def approve_application(application_id: Any, *, by: User) -> VendorApplication:
    """Verified: the vendor gets their role, a draft listing as their own subtree (group,
    page permissions, the review workflow) and a notification."""
    from wagtail.log_actions import log

    from accounts.roles import Role
    from accounts.services import grant_role
    from cms.abroad.vendors import grant_vendor_subtree
    from payouts.services import link_bank_account

    _require_verifier(by)
    with transaction.atomic():
        application = (
            VendorApplication.objects.select_for_update(of=("self",))
            .select_related("user", "destination")
            .get(pk=application_id)
        )
        if application.status != ApplicationStatus.PENDING:
            raise InvalidBookingState("This application was already decided.")
        page = _draft_listing(application)
        role = (
            Role.INSTITUTION
            if application.kind == VendorKind.INSTITUTION
            else (Role.HOMESTAY_OWNER)
        )
        grant_role(application.user, role)
        grant_vendor_subtree(application.user, page)
        if application.payout_details:
            # Their earnings are paid to the account they gave; it lives on as their payout
            # method only (encrypted there too), not twice.
            link_bank_account(
                application.user,
                holder=application.payout_holder or application.organisation,
                number=application.payout_details,
            )
            application.payout_holder = ""
            application.payout_details = ""
        application.status = ApplicationStatus.APPROVED
        application.page = page
        application.reviewed_at = timezone.now()
        application.reviewed_by = by
        application.save()
        log(instance=application, action="abroad.approve_vendor", user=by)
        dispatch.enqueue_on_commit("abroad.notify_application_decided", application.pk)
    return application


def decline_application(application_id: Any, *, by: User, reason: str) -> VendorApplication:
    from wagtail.log_actions import log

    _require_verifier(by)
    if not reason.strip():
        raise NotBookable("Say why, so that the applicant can fix it.")
    with transaction.atomic():
        application = VendorApplication.objects.select_for_update().get(pk=application_id)
        if application.status != ApplicationStatus.PENDING:
            raise InvalidBookingState("This application was already decided.")
        application.status = ApplicationStatus.DECLINED
        application.decline_reason = reason.strip()
        application.reviewed_at = timezone.now()
        application.reviewed_by = by
        application.save()
        log(
            instance=application,
            action="abroad.decline_vendor",
            user=by,
            data={"reason": application.decline_reason},
        )
        dispatch.enqueue_on_commit("abroad.notify_application_decided", application.pk)
    return application


def reveal_application_phone(application: VendorApplication, *, by: User) -> str:
    """The applicant's phone in plain text for a verifier who needs to call them, written to
    the admin's log first (who looked, when); everywhere else it is shown masked."""
    from wagtail.log_actions import log

    _require_verifier(by)
    log(instance=application, action="abroad.reveal_phone", user=by)
    return application.phone
