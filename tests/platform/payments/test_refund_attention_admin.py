"""The Wagtail finance admin's "Refunds needing attention": failed refunds with their
attempts, last error and next retry, and a "Retry now" for finance admins only."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from credits.services import verify_balances
from payments.models import Refund, RefundStatus
from payments.testing import STRIPE_500, STRIPE_ALREADY_REFUNDED

pytestmark = pytest.mark.django_db

LIST = "/admin/finance/refunds-attention/"
REFUNDS = "/v1/refunds"
# Session, user, groups, TOTP check, admin profile, count, locale, root pages (2), the page
# of refunds with their payments (one join).
QUERIES = 10


def retry_url(refund: Refund) -> str:
    return f"/admin/finance/refunds/{refund.pk}/retry/"


def test_the_list_shows_failed_refunds_with_attempts_error_and_retry(
    client, admin, failed_refund, providers
):
    retrying = failed_refund()
    refused = failed_refund((400, STRIPE_ALREADY_REFUNDED))
    client.force_login(admin)
    page = client.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Refunds needing attention" in html
    assert "Needs a finance admin" in html and "Provider failed: retry scheduled" in html
    assert "already been refunded" in html and "unknown error" in html
    assert retry_url(retrying) in html and retry_url(refused) in html
    # The filter on the status narrows it to those waiting for an admin.
    only_attention = client.get(LIST, {"status": "attention"}).content.decode()
    assert retry_url(refused) in only_attention and retry_url(retrying) not in only_attention
    # The full refunds list has the same filter and button.
    assert retry_url(refused) in client.get("/admin/finance/refunds/").content.decode()


def test_the_list_costs_the_same_queries_whatever_its_length(
    client, admin, student, other_student, failed_refund, assert_num_queries
):
    failed_refund()
    client.force_login(admin)
    with assert_num_queries(QUERIES):
        assert client.get(LIST).status_code == 200
    failed_refund(user=other_student)
    failed_refund((400, STRIPE_ALREADY_REFUNDED))
    with assert_num_queries(QUERIES):
        assert client.get(LIST).status_code == 200


def test_retry_now_sends_the_refund_through_the_same_service(
    client, admin, failed_refund, providers
):
    refund = failed_refund()
    client.force_login(admin)
    confirm = client.get(retry_url(refund))
    assert confirm.status_code == 200
    assert b"Retry now" in confirm.content and b"unknown error" in confirm.content
    assert providers.refunds == []  # showing the page sends nothing

    answer = client.post(retry_url(refund), follow=True)
    assert answer.redirect_chain[-1][0] == LIST
    assert "Refunded 10.00 USD" in answer.content.decode()
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (RefundStatus.SUCCEEDED, 2)
    assert len(providers.refunds) == 1
    assert [key for path, key in providers.keys if path == REFUNDS] == [f"refund:{refund.pk}"] * 2
    assert refund.payment.amount_refunded == Decimal("10.00")
    assert verify_balances() == []
    # Done: no second retry, nothing sent again.
    assert client.post(retry_url(refund)).status_code == 302
    assert len([k for p, k in providers.keys if p == REFUNDS]) == 2
    assert retry_url(refund) not in client.get(LIST).content.decode()


def test_retry_now_after_a_refusal_uses_a_new_key(client, admin, failed_refund, providers):
    """Nothing was refunded on a 4xx, and a provider replays a stored refusal for the same
    key: the admin's retry goes out under a new one."""
    refund = failed_refund((400, STRIPE_ALREADY_REFUNDED))
    providers.fail(REFUNDS, (400, STRIPE_ALREADY_REFUNDED))
    client.force_login(admin)
    answer = client.post(retry_url(refund), follow=True)
    assert "already been refunded" in answer.content.decode()
    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == (RefundStatus.ATTENTION, 2)
    client.post(retry_url(refund))
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED and len(providers.refunds) == 1
    keys = [key for path, key in providers.keys if path == REFUNDS]
    assert keys == [f"refund:{refund.pk}", f"refund:{refund.pk}:1", f"refund:{refund.pk}:2"]
    assert verify_balances() == []


def test_only_finance_admins_may_retry(
    client, bookkeeper, moderator, student, failed_refund, providers
):
    refund = failed_refund()
    for user in (bookkeeper, moderator, student):
        client.force_login(user)
        assert client.get(retry_url(refund)).status_code in (302, 403), user
        assert client.post(retry_url(refund)).status_code in (302, 403), user
    client.force_login(bookkeeper)
    page = client.get(LIST)
    assert page.status_code == 200 and retry_url(refund).encode() not in page.content
    refund.refresh_from_db()
    assert refund.status == RefundStatus.RETRYING and refund.attempts == 1
    assert providers.refunds == []

    bookkeeper.groups.get().permissions.add(Permission.objects.get(codename="add_refund"))
    client.force_login(bookkeeper)
    client.post(retry_url(refund))
    refund.refresh_from_db()
    assert refund.status == RefundStatus.SUCCEEDED


def test_the_refund_form_says_when_the_provider_failed(
    client, admin, student, package, providers, pay_for_credits
):
    import re

    payment = pay_for_credits(student)
    providers.fail(REFUNDS, (500, STRIPE_500))
    client.force_login(admin)
    url = f"/admin/finance/payments/{payment.pk}/refund/"
    nonce = re.search(rb'name="nonce" value="([0-9a-f-]+)"', client.get(url).content).group(1)
    answer = client.post(url, {"reason": "x", "nonce": nonce.decode()}, follow=True)
    assert "It is sent again automatically at" in answer.content.decode()
    assert Refund.objects.get().status == RefundStatus.RETRYING
