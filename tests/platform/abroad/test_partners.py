"""Schools and homestay hosts apply on the website with their documents (judged by content,
stored privately, served only to them and to verifiers); moderators verify them in the
admin queue; approval gives them a draft listing of their own that they fill in the
restricted editor and submit to moderation; declining tells them why."""

import io
import re

import pytest
from abroad.models import ApplicationStatus, VendorApplication, VendorDocument
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from wagtail.models import ModelLogEntry, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from accounts.roles import GROUP_NAMES, Role
from cms.abroad.models import HomestayPage, InstitutePage
from cms.abroad.vendors import vendor_root_pages
from notifications.models import Notification

pytestmark = pytest.mark.django_db

APPLY = "/abroad/partners/apply/"
QUEUE = "/admin/abroad/vendor-applications/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def form(abroad_tree, kind: str = "homestay", **files: bytes) -> dict:  # type: ignore[no-untyped-def,type-arg]
    data = {
        "kind": kind,
        "organisation": "Casa Marta",
        "destination": abroad_tree["destination"].pk,
        "address": "Calle Luna 5, Madrid",
        "phone": "+34 600 000 000",
        "about": "Marta and her two cats host students in a sunny flat.",
        "payout_holder": "Marta Luna",
        "payout_details": "ES91 2100 0418 4502 0005 1332",
    }
    for name, content in files.items():
        data[name] = SimpleUploadedFile(f"{name}.bin", content)
    return data


@pytest.fixture(autouse=True)
def _notify_now(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The notification tasks run in place of being queued for a worker."""
    from abroad import tasks

    for task in (tasks.notify_application, tasks.notify_application_decided):
        monkeypatch.setattr(task, "delay", task)


@pytest.fixture
def applicant(user_factory):  # type: ignore[no-untyped-def]
    return user_factory(email="marta@example.com", first_name="Marta")


@pytest.fixture
def applied(client, abroad_tree, applicant, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    client.force_login(applicant)
    with django_capture_on_commit_callbacks():
        response = client.post(APPLY, form(abroad_tree, id=PDF, proof_of_address=png()))
    assert response.status_code == 302, response.content.decode()[:3000]
    return VendorApplication.objects.get(user=applicant)


def test_applying_stores_documents_by_their_content_and_refuses_anything_else(
    client, abroad_tree, applicant, moderator, django_capture_on_commit_callbacks
) -> None:
    client.force_login(applicant)
    assert client.get(APPLY).status_code == 200
    # A page dressed as a PDF is refused, and nothing is stored.
    refused = client.post(APPLY, form(abroad_tree, id=b"<html><script>x</script></html>"))
    assert refused.status_code == 400
    assert "PDF, JPEG, PNG or WebP" in refused.content.decode()
    # A host must prove their address.
    assert client.post(APPLY, form(abroad_tree, id=PDF)).status_code == 400
    assert not VendorApplication.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(APPLY, form(abroad_tree, id=PDF, proof_of_address=png()))
    assert done.status_code == 302
    application = VendorApplication.objects.get(user=applicant)
    assert application.status == ApplicationStatus.PENDING
    types = dict(application.documents.values_list("kind", "content_type"))
    assert types == {"id": "application/pdf", "address": "image/png"}
    document = application.documents.get(kind="id")
    assert document.file.name.endswith(".pdf")
    # Stored privately: only the permission-checked view below serves it.
    assert storages["private"].exists(document.file.name)
    assert not default_storage.exists(document.file.name)
    # The moderators are told.
    assert Notification.objects.filter(recipient=moderator, type="abroad.vendor").count() == 1
    # One application waits at a time.
    again = client.post(APPLY, form(abroad_tree, id=PDF, proof_of_address=png()))
    assert again.status_code == 302
    assert "already have an application" in client.get(APPLY).content.decode()
    assert VendorApplication.objects.count() == 1

    url = reverse("abroad-vendor-document", args=[document.pk])
    mine = client.get(url)
    assert mine.status_code == 200
    assert mine["Content-Type"] == "application/pdf"
    assert mine["X-Content-Type-Options"] == "nosniff"
    assert b"".join(mine.streaming_content) == PDF


def test_documents_are_closed_to_everyone_but_the_applicant_and_verifiers(
    client, applied, student, moderator
) -> None:
    url = reverse("abroad-vendor-document", args=[applied.documents.first().pk])
    client.force_login(student)
    assert client.get(url).status_code == 404
    client.force_login(moderator)
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_a_moderator_approves_and_the_host_fills_in_their_draft_listing_for_review(
    client, applied, applicant, moderator, django_capture_on_commit_callbacks
) -> None:
    client.force_login(moderator)
    queue = client.get(QUEUE)
    assert queue.status_code == 200 and "Casa Marta" in queue.content.decode()
    verify = f"{QUEUE}verify/{applied.pk}/"
    screen = client.get(verify).content.decode()
    # The account is shown masked to the verifiers.
    assert "•••• 1332" in screen and "Proof of address" in screen
    assert "2100 0418" not in screen
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(verify, {"decision": "approve"})
    assert response.status_code == 302
    applied.refresh_from_db()
    assert applied.status == ApplicationStatus.APPROVED and applied.reviewed_by == moderator
    assert ModelLogEntry.objects.filter(action="abroad.approve_vendor").count() == 1
    page = HomestayPage.objects.get(pk=applied.page_id)
    assert (page.live, page.owner_id, page.title) == (False, applicant.pk, "Casa Marta")
    assert [p.pk for p in vendor_root_pages(applicant)] == [page.pk]
    assert applicant.groups.filter(name=GROUP_NAMES[Role.HOMESTAY_OWNER]).exists()
    told = Notification.objects.get(recipient=applicant, type="abroad.vendor")
    assert "listing" in told.title
    # Deciding twice is refused.
    client.post(verify, {"decision": "approve"})
    assert HomestayPage.objects.count() == 1

    # The host fills in the draft in the restricted editor and submits it for review.
    client.force_login(applicant)
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert client.get(edit).status_code == 200
    data = nested_form_data(
        {
            "title": "Casa Marta",
            "slug": page.slug,
            "host_profile": "Marta and her two cats.",
            "photo": "",
            "address": page.address,
            "latitude": str(page.latitude),
            "longitude": str(page.longitude),
            "meals": "half_board",
            "meals_notes": "",
            "house_rules": "",
            "min_nights": 7,
            "max_nights": 90,
            "check_in_days": "sat,sun",
            "currency": "EUR",
            "booking_mode": "request",
            "deposit_percent": 100,
            "cancellation_policy": "moderate",
            "rooms": inline_formset(
                [{"name": "Blue room", "room_type": "single", "price_per_night": "32.00"}],
                min=1,
            ),
            "nearby": inline_formset([]),
            "comments": inline_formset([]),
            "action-submit": "1",
        }
    )
    submitted = client.post(edit, data)
    assert submitted.status_code == 302, [
        text.strip()
        for text in re.findall(
            r"error-message[^>]*>\s*(?:<[^>]+>\s*)*([^<]{3,200})<", submitted.content.decode()
        )
    ]
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == "in_progress"
    assert HomestayPage.objects.get(pk=page.pk).live is False


def test_declining_needs_a_reason_and_tells_the_applicant_who_may_apply_again(
    client, applied, applicant, moderator, abroad_tree, django_capture_on_commit_callbacks
) -> None:
    client.force_login(moderator)
    verify = f"{QUEUE}verify/{applied.pk}/"
    assert client.post(verify, {"decision": "decline", "decline-reason": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        client.post(verify, {"decision": "decline", "decline-reason": "The ID is unreadable."})
    applied.refresh_from_db()
    assert applied.status == ApplicationStatus.DECLINED
    assert not HomestayPage.objects.exists() and not InstitutePage.objects.exists()
    told = Notification.objects.get(recipient=applicant, type="abroad.vendor")
    assert told.body == "The ID is unreadable."
    client.force_login(applicant)
    page = client.get(APPLY).content.decode()
    assert "The ID is unreadable." in page and 'enctype="multipart/form-data"' in page
    assert client.post(APPLY, form(abroad_tree, id=PDF, proof_of_address=png())).status_code == 302
    assert VendorApplication.objects.filter(status=ApplicationStatus.PENDING).count() == 1


def test_a_school_is_approved_into_an_institute_and_only_staff_reach_the_queue(
    client, abroad_tree, institution, student, admin
) -> None:
    from abroad import services

    application = services.apply_as_vendor(
        student,
        kind="institution",
        organisation="Academia Norte",
        destination_id=abroad_tree["destination"].pk,
        address="Gran Vía 1",
        phone="1",
        about="A school.",
        documents={
            "id": SimpleUploadedFile("a", PDF),
            "licence": SimpleUploadedFile("b", PDF),
        },
    )
    client.force_login(student)
    assert client.get(QUEUE).status_code in (302, 403)
    client.force_login(institution)
    assert client.get(f"{QUEUE}verify/{application.pk}/").status_code in (302, 403)
    services.approve_application(application.pk, by=admin)
    institute = InstitutePage.objects.get(title="Academia Norte")
    assert institute.owner_id == student.pk and not institute.live
    assert student.groups.filter(name=GROUP_NAMES[Role.INSTITUTION]).exists()
    assert VendorDocument.objects.filter(application=application).count() == 2


def test_the_payout_account_given_when_applying_becomes_the_payout_method(
    client, abroad_tree, applied, applicant, admin, django_capture_on_commit_callbacks
) -> None:
    from django.db import connection

    from payouts.models import PayeeProfile

    # Stored encrypted while it waits.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT payout_details FROM abroad_vendorapplication WHERE id = %s", [applied.pk]
        )
        (raw,) = cursor.fetchone()
    assert raw and "1332" not in raw
    assert not PayeeProfile.objects.filter(user=applicant).exists()

    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{QUEUE}verify/{applied.pk}/", {"decision": "approve"})
    profile = PayeeProfile.objects.get(user=applicant)
    assert profile.account_holder == "Marta Luna"
    assert profile.account_number == "ES91 2100 0418 4502 0005 1332"
    assert profile.has_bank_account and profile.account_number_index
    # Kept once, as the payout method: the application no longer holds it.
    applied.refresh_from_db()
    assert (applied.payout_holder, applied.payout_details) == ("", "")
    # Finance sees it masked in the admin.
    payees = client.get("/admin/finance/payees/").content.decode()
    assert "•••• 1332" in payees and "2100 0418" not in payees
    inspect = client.get(f"/admin/finance/payees/inspect/{profile.pk}/").content.decode()
    assert "•••• 1332" in inspect and "2100 0418" not in inspect
    # The new partner's payout page shows it as theirs.
    client.force_login(applicant)
    assert "1332" in client.get("/payouts/method/").content.decode()


def test_the_applicants_phone_is_encrypted_masked_and_revealed_only_with_a_log_entry(
    client, applied, moderator
) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM abroad_vendorapplication WHERE id = %s", [applied.pk])
        (raw,) = cursor.fetchone()
    assert raw and "600" not in raw
    applied.refresh_from_db()
    assert applied.phone == "+34 600 000 000"

    client.force_login(moderator)
    verify = f"{QUEUE}verify/{applied.pk}/"
    screen = client.get(verify).content.decode()
    assert "•••• 000" in screen and "600 000" not in screen
    assert not ModelLogEntry.objects.filter(action="abroad.reveal_phone").exists()
    revealed = client.post(verify, {"decision": "reveal_phone"})
    assert revealed.status_code == 200 and "+34 600 000 000" in revealed.content.decode()
    entry = ModelLogEntry.objects.get(action="abroad.reveal_phone")
    assert (entry.user_id, entry.object_id) == (moderator.pk, str(applied.pk))
    applied.refresh_from_db()
    assert applied.status == ApplicationStatus.PENDING  # revealing decides nothing


def test_rotation_re_encrypts_the_applicants_phone_without_loss(applicant) -> None:
    from io import StringIO

    from cryptography.fernet import Fernet
    from django.core.management import call_command
    from django.test import override_settings

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(ENCRYPTION_KEYS=[old]):
        application = VendorApplication.objects.create(
            user=applicant, kind="homestay", organisation="Casa", address="x", phone="+3461"
        )
    with override_settings(ENCRYPTION_KEYS=[new, old]):
        out = StringIO()
        call_command("rotate_encryption_keys", stdout=out)
        assert "abroad.VendorApplication" in out.getvalue()
    with override_settings(ENCRYPTION_KEYS=[new]):  # the old key retired
        assert VendorApplication.objects.get(pk=application.pk).phone == "+3461"


def test_a_payout_account_needs_its_holder_and_a_real_number(
    client, abroad_tree, applicant
) -> None:
    client.force_login(applicant)
    no_holder = form(abroad_tree, id=PDF, proof_of_address=png())
    no_holder["payout_holder"] = ""
    assert client.post(APPLY, no_holder).status_code == 400
    bad = form(abroad_tree, id=PDF, proof_of_address=png())
    bad["payout_details"] = "<script>"
    response = client.post(APPLY, bad)
    assert response.status_code == 400
    assert "IBAN or account number" in response.content.decode()
    assert not VendorApplication.objects.exists()


def test_an_account_the_partner_already_set_for_payouts_is_kept(
    client, applied, applicant, admin
) -> None:
    from abroad import services

    from payouts.models import PayeeProfile
    from payouts.services import save_bank_account

    save_bank_account(
        applicant,
        holder="Marta Luna",
        number="DE89 3704 0044 0532 0130 00",
        bank_name="X",
        country="DE",
    )
    services.approve_application(applied.pk, by=admin)
    assert PayeeProfile.objects.get(user=applicant).account_number.startswith("DE89")


def test_a_partners_application_and_documents_are_exported_then_erased_with_their_files(
    applied, applicant
) -> None:
    from abroad.personal_data import erase_personal_data, export_personal_data

    documents = list(VendorDocument.objects.filter(application=applied))
    assert {document.kind for document in documents} == {"id", "address"}
    names = [document.file.name for document in documents]
    storage = documents[0].file.storage
    assert all(storage.exists(name) for name in names)

    exported = export_personal_data(applicant)
    [application] = exported["partner_applications"]
    assert application["organisation"] == "Casa Marta"
    assert application["phone"] == "+34 600 000 000"
    assert application["payout_holder"] == "Marta Luna"
    assert sorted(row["kind"] for row in exported["partner_documents"]) == ["address", "id"]

    erase_personal_data(applicant)
    assert not VendorApplication.objects.filter(user=applicant).exists()
    assert not VendorDocument.objects.filter(pk__in=[d.pk for d in documents]).exists()
    # The scans themselves are gone from the private storage, not only their rows.
    assert not any(storage.exists(name) for name in names)
    after = export_personal_data(applicant)
    assert (after["partner_applications"], after["partner_documents"]) == ([], [])
