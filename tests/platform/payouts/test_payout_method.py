"""Payout method management on the website (teachers and vendors: a bank account, encrypted
and shown masked; tax forms as private documents), and the finance admin's view of it: masked
for everyone, revealed only with ``payouts.reveal_bank_details``, every reveal logged."""

from io import BytesIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from wagtail.models import ModelLogEntry

from accounts.roles import Role
from accounts.testing import activate_totp
from payouts.models import PayeeProfile, TaxDocument

pytestmark = pytest.mark.django_db

PAGE = "/payouts/method/"
IBAN = "ES91 2100 0418 4502 0005 1332"
ACCOUNT = {
    "action": "bank",
    "account_holder": "Tomás  Teacher",
    "account_number": IBAN,
    "bank_name": "CaixaBank",
    "bank_country": "es",
    "bank_details": "BIC CAIXESBBXXX",
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return out.getvalue()


def test_a_teacher_adds_a_bank_account_and_sees_it_masked(client, teacher) -> None:
    client.force_login(teacher)
    assert client.get(PAGE).status_code == 200
    saved = client.post(PAGE, ACCOUNT)
    assert saved.status_code == 302 and saved["Location"] == PAGE
    payee = PayeeProfile.objects.get(user=teacher)
    assert (payee.account_holder, payee.account_number, payee.bank_country) == (
        "Tomás Teacher",
        IBAN,
        "ES",
    )
    html = client.get(PAGE).content.decode()
    assert "•••• 1332" in html
    assert "2100 0418" not in html  # the number never goes back to the browser

    # Changing the bank but not the number keeps the number.
    client.post(PAGE, {**ACCOUNT, "account_number": "", "bank_name": "Sabadell"})
    payee.refresh_from_db()
    assert (payee.account_number, payee.bank_name) == (IBAN, "Sabadell")

    bad = client.post(PAGE, {**ACCOUNT, "account_number": "ES91<script>", "bank_country": "E"})
    assert bad.status_code == 400
    assert set(bad.context["bank_form"].errors) == {"account_number", "bank_country"}

    client.post("/payouts/method/remove/")
    payee.refresh_from_db()
    assert (payee.account_number, payee.account_number_index, payee.bank_details) == ("", "", "")


def test_vendors_have_the_page_and_learners_do_not(client, institution, student) -> None:
    client.force_login(institution)
    assert client.get(PAGE).status_code == 200
    client.force_login(student)
    assert client.get(PAGE).status_code == 403
    client.logout()
    assert client.get(PAGE).status_code == 302


def test_tax_documents_are_checked_private_and_only_the_owners(client, teacher, role_user) -> None:
    client.force_login(teacher)
    disguised = SimpleUploadedFile("w8ben.pdf", b"<html>not a pdf</html>", "application/pdf")
    refused = client.post(PAGE, {"action": "tax", "kind": "w8ben", "file": disguised})
    assert refused.status_code == 400 and refused.context["tax_form"].errors["file"]
    assert not TaxDocument.objects.exists()

    upload = SimpleUploadedFile("my w8ben.pdf", PDF, "application/pdf")
    assert client.post(PAGE, {"action": "tax", "kind": "w8ben", "file": upload}).status_code == 302
    client.post(
        PAGE,
        {"action": "tax", "kind": "vat", "file": SimpleUploadedFile("v.png", png(), "image/png")},
    )
    document = TaxDocument.objects.get(kind="w8ben")
    assert document.content_type == "application/pdf" and document.file.name.endswith(".pdf")
    assert "my w8ben" not in document.file.name  # our name, not theirs

    answer = client.get(f"/payouts/tax-documents/{document.pk}/")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"].startswith("attachment")
    assert b"".join(answer.streaming_content) == PDF

    other = role_user(Role.TEACHER, email="other.teacher@example.com")
    client.force_login(other)
    assert client.get(f"/payouts/tax-documents/{document.pk}/").status_code == 404
    assert client.post(f"/payouts/tax-documents/{document.pk}/delete/").status_code == 404

    client.force_login(teacher)
    client.post(f"/payouts/tax-documents/{document.pk}/delete/")
    assert list(TaxDocument.objects.values_list("kind", flat=True)) == ["vat"]


@pytest.fixture
def payee(teacher):  # type: ignore[no-untyped-def]
    from payouts.services import save_bank_account

    return save_bank_account(
        teacher, holder="T. Ruiz Teacher", number=IBAN, bank_name="CaixaBank", country="ES"
    )


@pytest.fixture
def support_admin(user_factory):  # type: ignore[no-untyped-def]
    """Staff who may look at payees but hold no finance permission."""
    person = user_factory(email="support@example.com", is_staff=True)
    person.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_payeeprofile"),
    )
    activate_totp(person)
    return person


@pytest.fixture
def finance_admin(user_factory):  # type: ignore[no-untyped-def]
    person = user_factory(email="fin@example.com", is_staff=True)
    person.groups.add(Group.objects.get(name="Finance"))
    activate_totp(person)
    return person


def test_admins_see_bank_accounts_masked_without_the_finance_permission(
    client, payee, support_admin
) -> None:
    client.force_login(support_admin)
    listing = client.get("/admin/finance/payees/").content.decode()
    assert "•••• 1332" in listing and "2100 0418" not in listing
    inspect = client.get(f"/admin/finance/payees/inspect/{payee.pk}/")
    assert inspect.status_code == 200
    html = inspect.content.decode()
    assert "•••• 1332" in html and "2100 0418" not in html and "Ruiz" not in html
    assert "Reveal bank details" not in html
    refused = client.post(f"/admin/finance/payees/{payee.pk}/reveal/")
    # Wagtail turns the refusal into a redirect to the dashboard with a message.
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert not ModelLogEntry.objects.filter(action="payouts.reveal_bank_details").exists()


def test_a_finance_admin_reveals_and_the_reveal_is_logged(client, payee, finance_admin) -> None:
    client.force_login(finance_admin)
    html = client.get(f"/admin/finance/payees/inspect/{payee.pk}/").content.decode()
    assert "•••• 1332" in html and "Reveal bank details" in html
    assert client.get(f"/admin/finance/payees/{payee.pk}/reveal/").status_code == 405
    revealed = client.post(f"/admin/finance/payees/{payee.pk}/reveal/")
    assert revealed.status_code == 200
    assert IBAN in revealed.content.decode() and "T. Ruiz Teacher" in revealed.content.decode()
    assert "no-store" in revealed["Cache-Control"]
    entry = ModelLogEntry.objects.get(action="payouts.reveal_bank_details")
    assert entry.user_id == finance_admin.pk and entry.object_id == str(payee.pk)
