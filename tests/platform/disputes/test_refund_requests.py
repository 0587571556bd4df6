"""Refund requests through the API, the website and the finance admin: the refund policy
approves unspent credits at once; the rest wait for a finance moderator who decides."""

from decimal import Decimal

import pytest
from wagtail.models import ModelLogEntry

from credits.models import AccountKind
from credits.services import user_account, verify_balances
from disputes.models import RefundRequest, RefundRequestStatus
from notifications.models import Notification
from payments.models import InvoiceKind, RefundStatus

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def test_unspent_credits_are_refunded_at_once_under_the_policy(
    api_client, student, package, providers, pay_for_credits, django_capture_on_commit_callbacks
):
    payment = pay_for_credits(student)
    api_client.force_login(student)
    with django_capture_on_commit_callbacks(execute=True):
        answer = api_client.post(
            "/api/v1/refund-requests/",
            {"payment": str(payment.pk), "reason": "changed_mind", "details": "Bought by mistake"},
            format="json",
        )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert (body["status"], body["automatic"], body["amount_approved"]) == (
        "approved",
        True,
        "10.00",
    )
    # The refund went to Stripe once, was booked through the ledger, with a credit note.
    assert [r["amount"] for r in providers.refunds] == [1000]
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("10.00")
    refund = RefundRequest.objects.get().refund
    assert refund.status == RefundStatus.SUCCEEDED
    assert refund.credits_clawed_back == Decimal("100")
    assert payment.invoices.filter(kind=InvoiceKind.CREDIT_NOTE, amount=Decimal("10.00")).exists()
    assert user_account(student, AccountKind.WALLET).balance == 0
    assert verify_balances() == []
    assert Notification.objects.filter(
        recipient=student, type="disputes.refund_request_decided"
    ).exists()
    # Nothing is left to refund: a second request is refused.
    again = api_client.post(
        "/api/v1/refund-requests/",
        {"payment": str(payment.pk), "reason": "other"},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "nothing_to_refund"


def test_a_request_outside_the_policy_waits_and_a_finance_moderator_refunds_part(
    api_client,
    client,
    settings,
    student,
    finance_moderator,
    package,
    providers,
    pay_for_credits,
):
    settings.REFUND_AUTO_CREDITS_DAYS = 0  # the operator reviews every request
    payment = pay_for_credits(student)
    api_client.force_login(student)
    answer = api_client.post(
        "/api/v1/refund-requests/",
        {
            "payment": str(payment.pk),
            "reason": "not_as_described",
            "details": "Half the credits did not work",
            "evidence": [_upload("screenshot.png", PNG)],
        },
        format="multipart",
    )
    assert answer.status_code == 201, answer.json()
    assert answer.json()["status"] == "pending"
    assert answer.json()["evidence"][0]["has_file"] is True
    assert providers.refunds == []
    request = RefundRequest.objects.get()
    # The finance moderator is told, with a link to the decision screen.
    told = Notification.objects.get(recipient=finance_moderator)
    assert told.url == f"/admin/finance/refund-requests/decide/{request.pk}/"
    # One waiting request per payment.
    twice = api_client.post(
        "/api/v1/refund-requests/",
        {"payment": str(payment.pk), "reason": "other"},
        format="json",
    )
    assert (twice.status_code, twice.json()["code"]) == (409, "refund_already_requested")

    client.force_login(finance_moderator)
    queue = client.get("/admin/finance/refund-requests/")
    assert queue.status_code == 200
    assert f"/admin/finance/refund-requests/decide/{request.pk}/".encode() in queue.content
    screen = client.get(told.url)
    assert b"Half the credits did not work" in screen.content
    # Declining needs a reason.
    declined = client.post(told.url, {"decision": "decline", "note": ""})
    assert declined.status_code == 200
    request.refresh_from_db()
    assert request.status == RefundRequestStatus.PENDING
    decided = client.post(told.url, {"decision": "approve", "amount": "4.00", "note": "Half"})
    assert decided.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.amount_approved, request.automatic) == (
        RefundRequestStatus.APPROVED,
        Decimal("4.00"),
        False,
    )
    assert request.decided_by == finance_moderator
    assert [r["amount"] for r in providers.refunds] == [400]
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("4.00")
    assert ModelLogEntry.objects.filter(action="disputes.approve_refund_request").count() == 1
    assert Notification.objects.filter(
        recipient=student, type="disputes.refund_request_decided"
    ).exists()
    assert verify_balances() == []
    # Decided once: posting again changes nothing.
    client.post(told.url, {"decision": "approve", "amount": "1.00", "note": "again"})
    assert len(providers.refunds) == 1


def test_a_moderator_declines_with_a_reason_and_without_permission_nobody_decides(
    api_client,
    client,
    settings,
    student,
    other_student,
    finance_moderator,
    package,
    providers,
    pay_for_credits,
):
    settings.REFUND_AUTO_CREDITS_DAYS = 0
    payment = pay_for_credits(student)
    api_client.force_login(student)
    api_client.post(
        "/api/v1/refund-requests/", {"payment": str(payment.pk), "reason": "other"}, format="json"
    )
    request = RefundRequest.objects.get()
    url = f"/admin/finance/refund-requests/decide/{request.pk}/"
    other_student.is_staff = True
    other_student.save()
    client.force_login(other_student)
    assert client.post(url, {"decision": "approve"}).status_code in (302, 403)
    request.refresh_from_db()
    assert request.status == RefundRequestStatus.PENDING
    client.force_login(finance_moderator)
    client.post(url, {"decision": "decline", "note": "Used in full"})
    request.refresh_from_db()
    assert (request.status, request.decision_note) == (RefundRequestStatus.DECLINED, "Used in full")
    assert providers.refunds == []
    api_client.force_login(student)
    listed = api_client.get("/api/v1/refund-requests/").json()["results"]
    assert [(r["status"], r["decision_note"]) for r in listed] == [("declined", "Used in full")]


def test_bad_input_is_a_400_with_fields_and_others_payments_are_not_found(
    api_client, student, other_student, package, providers, pay_for_credits
):
    payment = pay_for_credits(student)
    api_client.force_login(other_student)
    theirs = api_client.post(
        "/api/v1/refund-requests/", {"payment": str(payment.pk), "reason": "other"}, format="json"
    )
    assert (theirs.status_code, theirs.json()["code"]) == (404, "payment_not_found")
    api_client.force_login(student)
    bad = api_client.post(
        "/api/v1/refund-requests/", {"payment": "nope", "reason": "whim"}, format="json"
    )
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"payment", "reason"}
    html = api_client.post(
        "/api/v1/refund-requests/",
        {
            "payment": str(payment.pk),
            "reason": "other",
            "evidence": [_upload("x.png", b"<html><script>alert(1)</script></html>")],
        },
        format="multipart",
    )
    assert (html.status_code, html.json()["code"]) == (400, "evidence_rejected")
    assert not RefundRequest.objects.exists()


def test_the_list_is_ones_own_paginated_in_pinned_queries(
    api_client,
    settings,
    student,
    other_student,
    package,
    providers,
    pay_for_credits,
    assert_num_queries,
):
    settings.REFUND_AUTO_CREDITS_DAYS = 0
    for buyer in (student, student, student, other_student):
        payment = pay_for_credits(buyer)
        api_client.force_login(buyer)
        api_client.post(
            "/api/v1/refund-requests/",
            {"payment": str(payment.pk), "reason": "other", "details": "x"},
            format="json",
        )
    api_client.force_login(student)
    with assert_num_queries(5):  # session, user, count, the page with payments, evidence
        listed = api_client.get("/api/v1/refund-requests/")
    assert listed.json()["count"] == 3


def test_the_website_asks_for_a_refund_from_the_payments_page(
    client, settings, student, package, providers, pay_for_credits
):
    settings.REFUND_AUTO_CREDITS_DAYS = 0
    payment = pay_for_credits(student)
    client.force_login(student)
    history = client.get("/payments/")
    url = f"/payments/{payment.pk}/refund/"
    assert url.encode() in history.content
    form = client.get(url)
    assert form.status_code == 200
    sent = client.post(url, {"reason": "not_delivered", "details": "Never arrived"})
    assert sent.status_code == 302 and sent["Location"] == "/refunds/"
    page = client.get("/refunds/")
    assert b"Never arrived" not in page.content  # the list shows the reason and status
    assert b"Waiting for a decision" in page.content


def _upload(name: str, content: bytes):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)
