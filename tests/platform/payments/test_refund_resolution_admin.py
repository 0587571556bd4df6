"""Closing a refund needing attention from the Wagtail admin: "Mark resolved" with a
required note (who, when and the note kept, in Wagtail's audit log too), for finance admins
only; and the finance dashboard's count of refunds needing attention."""

from decimal import Decimal

import pytest
from wagtail.models import ModelLogEntry

from credits.models import AccountKind
from credits.services import user_account, verify_balances
from payments.dashboard import refunds_needing_attention
from payments.models import Invoice, InvoiceKind, Refund, RefundStatus
from payments.services import refund_payment
from payments.testing import STRIPE_ALREADY_REFUNDED, stripe_event

pytestmark = pytest.mark.django_db

LIST = "/admin/finance/refunds-attention/"
# A 4xx from Stripe: not retried, the refund waits for a finance admin.
REFUSED = (400, STRIPE_ALREADY_REFUNDED)
NOTE = "Refunded by bank transfer on 2026-11-20, reference SEPA-123."
# As the attention list's own test: session, user, groups, TOTP check, admin profile,
# count, locale, root pages (2), the page of refunds with their payments (one join).
QUERIES = 10


def resolve_url(refund: Refund) -> str:
    return f"/admin/finance/refunds/{refund.pk}/resolve/"


def test_mark_resolved_books_the_refund_keeps_the_note_and_clears_the_list(
    client, admin, student, other_student, failed_refund
):
    refund = failed_refund(REFUSED)
    retrying = failed_refund(user=other_student)
    client.force_login(admin)
    html = client.get(LIST).content.decode()
    assert "Mark resolved" in html and resolve_url(refund) in html
    # One still retried automatically is left to the sweep.
    assert resolve_url(retrying) not in html

    form = client.get(resolve_url(refund))
    assert form.status_code == 200
    assert b"already been refunded" in form.content and b'name="note"' in form.content

    answer = client.post(resolve_url(refund), {"note": NOTE}, follow=True)
    assert answer.redirect_chain[-1][0] == LIST
    assert "marked resolved" in answer.content.decode()
    assert resolve_url(refund) not in answer.content.decode()
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    assert (refund.resolved_by, refund.resolution_note) == (admin, NOTE)
    assert refund.resolved_at is not None
    entry = ModelLogEntry.objects.get(action="payments.resolve_refund")
    assert entry.user_id == admin.pk and entry.object_id == str(refund.pk)
    assert entry.data["note"] == NOTE
    # Refunded another way: the books say so (credits taken back, credit note issued).
    refund.payment.refresh_from_db()
    assert refund.payment.amount_refunded == Decimal("10.00")
    assert user_account(student, AccountKind.WALLET).balance == Decimal("0.00")
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE, refund=refund).exists()
    assert verify_balances() == []
    # Resolving twice does nothing more.
    again = client.post(resolve_url(refund), {"note": NOTE}, follow=True)
    assert "Only a refund needing a finance admin" in again.content.decode()
    assert ModelLogEntry.objects.filter(action="payments.resolve_refund").count() == 1


@pytest.mark.parametrize("note", ["", "   "])
def test_a_missing_note_is_a_form_error(client, admin, failed_refund, note):
    refund = failed_refund(REFUSED)
    client.force_login(admin)
    answer = client.post(resolve_url(refund), {"note": note})
    assert answer.status_code == 200
    assert answer.context["form"].errors["note"]
    refund.refresh_from_db()
    assert refund.status == RefundStatus.ATTENTION and refund.resolved_by is None
    assert not ModelLogEntry.objects.filter(action="payments.resolve_refund").exists()


def test_resolving_a_refund_failed_after_success_pays_its_cash_out_once(
    client, admin, student, package, providers, pay_for_credits
):
    payment = pay_for_credits(student)
    refund = refund_payment(payment, idempotency_key="r1")
    failed = providers.fail_refund(refund.provider_refund_id, "lost_or_stolen_card")
    payload, headers = stripe_event("refund.failed", failed)
    client.post(
        "/api/v1/payments/webhooks/stripe/", payload, content_type="application/json", **headers
    )
    refund.refresh_from_db()
    assert refund.status == RefundStatus.ATTENTION
    client.force_login(admin)
    assert resolve_url(refund) in client.get(LIST).content.decode()
    inspect = client.get(f"/admin/finance/refunds/inspect/{refund.pk}/").content.decode()
    assert resolve_url(refund) in inspect and "lost_or_stolen_card" in inspect
    client.post(resolve_url(refund), {"note": NOTE})
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED
    inspect = client.get(f"/admin/finance/refunds/inspect/{refund.pk}/").content.decode()
    assert NOTE in inspect and resolve_url(refund) not in inspect
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("10.00")
    assert len(providers.refunds) == 1  # nothing sent to Stripe again
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 1
    assert verify_balances() == []
    # The learner's data export tells them what happened to their refund.
    from payments.personal_data import export_personal_data

    (exported,) = export_personal_data(student)["payments"][0]["refunds"]
    assert exported["status"] == "succeeded" and exported["resolution_note"] == NOTE
    assert [f["reason"] for f in exported["failures"]] == [refund.failures[0]["reason"]]
    assert "lost_or_stolen_card" in exported["failures"][0]["reason"]


def test_only_finance_admins_may_resolve(client, bookkeeper, moderator, student, failed_refund):
    refund = failed_refund(REFUSED)
    for user in (bookkeeper, moderator, student):
        client.force_login(user)
        assert client.get(resolve_url(refund)).status_code in (302, 403), user
        assert client.post(resolve_url(refund), {"note": NOTE}).status_code in (302, 403), user
    client.force_login(bookkeeper)
    # Wagtail answers a PermissionDenied in its admin with a redirect and a message.
    refused = client.post(resolve_url(refund), {"note": NOTE}, follow=True)
    assert refused.redirect_chain == [("/admin/", 302)]
    assert "do not have permission" in refused.content.decode()
    page = client.get(LIST)
    assert page.status_code == 200
    assert resolve_url(refund).encode() not in page.content
    assert b"Mark resolved" not in page.content
    refund.refresh_from_db()
    assert refund.status == RefundStatus.ATTENTION and refund.resolved_by is None


def test_the_list_with_resolve_buttons_costs_the_same_queries_whatever_its_length(
    client, admin, other_student, failed_refund, assert_num_queries
):
    failed_refund(REFUSED)
    client.force_login(admin)
    with assert_num_queries(QUERIES):
        assert client.get(LIST).status_code == 200
    failed_refund(REFUSED, user=other_student)
    failed_refund()
    with assert_num_queries(QUERIES):
        page = client.get(LIST)
    assert page.content.decode().count("Mark resolved") == 2


def test_the_dashboard_counts_refunds_needing_attention_in_one_query(
    client, admin, other_student, failed_refund, assert_num_queries
):
    client.force_login(admin)
    assert (
        b"<strong>0</strong> waiting for a finance admin" in client.get("/admin/finance/").content
    )
    failed_refund(REFUSED)
    failed_refund(REFUSED, user=other_student)
    failed_refund()
    with assert_num_queries(1):
        assert refunds_needing_attention() == {"attention": 2, "retrying": 1}
    html = client.get("/admin/finance/").content.decode()
    assert "Refunds needing attention" in html
    assert f'href="{LIST}?status=attention"' in html
    assert "<strong>2</strong> waiting for a finance admin" in html
    assert f'href="{LIST}?status=retrying">1 being retried automatically' in html
