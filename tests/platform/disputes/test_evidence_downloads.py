"""Evidence files in the finance admin: a finance moderator downloads a dispute's evidence
file from its decision screen (an attachment with our content type and no sniffing, in the
dispute's audit log); staff without the disputes permissions, the parties themselves and
evidence without a file get nothing."""

import time

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import ModelLogEntry

from disputes.models import Dispute, Evidence
from payments.testing import stripe_event

pytestmark = pytest.mark.django_db

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _chargeback(client, payment) -> Dispute:  # type: ignore[no-untyped-def]
    payload, headers = stripe_event(
        "charge.dispute.created",
        {
            "id": "dp_evidence",
            "object": "dispute",
            "amount": int(payment.amount * 100),
            "charge": payment.provider_payment_id,
            "created": int(time.time()),
            "currency": payment.currency.lower(),
            "payment_intent": payment.provider_order_id,
            "reason": "fraudulent",
            "status": "needs_response",
        },
    )
    answer = client.post(
        "/api/v1/payments/webhooks/stripe/", payload, content_type="application/json", **headers
    )
    assert answer.status_code == 200
    return Dispute.objects.get()


def test_a_finance_moderator_downloads_evidence_and_others_are_refused(
    client, api_client, student, other_student, finance_moderator, package, pay_for_credits
):
    dispute = _chargeback(client, pay_for_credits(student))
    api_client.force_login(student)
    answered = api_client.post(
        f"/api/v1/disputes/{dispute.pk}/evidence/",
        {"text": "My bank statement", "evidence": [SimpleUploadedFile("statement.pdf", PDF)]},
        format="multipart",
    )
    assert answered.status_code == 201, answered.json()
    with_file = Evidence.objects.get(dispute=dispute)
    assert with_file.file
    url = f"/admin/finance/evidence/{with_file.pk}/file/"

    # The decision screen links the file; the download is an attachment of our type.
    client.force_login(finance_moderator)
    screen = client.get(f"/admin/finance/disputes/decide/{dispute.pk}/")
    assert url.encode() in screen.content
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        f"attachment; filename*=UTF-8''evidence-{with_file.pk}.pdf"
    )
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]
    logged = ModelLogEntry.objects.get(action="disputes.download_evidence")
    assert (logged.user_id, logged.object_id) == (finance_moderator.pk, str(dispute.pk))
    assert logged.data["evidence"] == with_file.pk

    # Evidence without a file, or none at all: 404.
    text_only = Evidence.objects.create(dispute=dispute, author=student, text="Only words")
    assert client.get(f"/admin/finance/evidence/{text_only.pk}/file/").status_code == 404
    assert client.get("/admin/finance/evidence/999999/file/").status_code == 404

    # Staff who may use the admin but hold no disputes permission: 403, nothing logged.
    other_student.is_staff = True
    other_student.save(update_fields=["is_staff"])
    other_student.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(other_student)
    assert client.get(url).status_code == 403
    # The learner who gave the file cannot fetch it through the admin either.
    client.force_login(student)
    refused = client.get(url)
    assert (refused.status_code, refused["Location"].split("?")[0]) == (302, "/admin/login/")
    assert ModelLogEntry.objects.filter(action="disputes.download_evidence").count() == 1
