"""Refunds from the Wagtail admin: a button on the payment's screen and on the finance
dashboard opens a form (full or partial amount, reason) that calls the refund service."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission

from credits.models import AccountKind
from credits.services import user_account, verify_balances
from payments.models import Payment, Refund, RefundStatus

pytestmark = pytest.mark.django_db


def form_nonce(page) -> str:
    return re.search(rb'name="nonce" value="([0-9a-f-]+)"', page.content).group(1).decode()


def test_admin_refunds_part_of_a_payment_through_the_form(
    client, admin, student, package, providers, pay_for_credits
):
    payment = pay_for_credits(student)
    client.force_login(admin)
    inspect = client.get(f"/admin/finance/payments/inspect/{payment.pk}/")
    refund_url = f"/admin/finance/payments/{payment.pk}/refund/"
    assert refund_url.encode() in inspect.content
    dashboard = client.get("/admin/finance/")
    assert refund_url.encode() in dashboard.content

    form = client.get(refund_url)
    assert form.status_code == 200
    assert b'<label class="w-field__label" for="id_amount"' in form.content
    nonce = form_nonce(form)
    response = client.post(refund_url, {"amount": "4.00", "reason": "Unhappy", "nonce": nonce})
    assert response.status_code == 302
    assert response["Location"] == f"/admin/finance/payments/inspect/{payment.pk}/"

    refund = Refund.objects.get()
    assert (refund.amount, refund.reason, refund.requested_by) == (
        Decimal("4.00"),
        "Unhappy",
        admin,
    )
    assert refund.status == RefundStatus.SUCCEEDED
    stripe_call = [r for r in providers.requests if r[1] == "/v1/refunds"]
    assert len(stripe_call) == 1 and stripe_call[0][2]["amount"] == "400"
    assert stripe_call[0][2]["payment_intent"] == payment.provider_order_id
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("4.00")
    assert user_account(student, AccountKind.WALLET).balance == Decimal("60.00")

    # The same form submitted again (a double click) refunds once.
    client.post(refund_url, {"amount": "4.00", "reason": "Unhappy", "nonce": nonce})
    assert Refund.objects.count() == 1
    assert len([r for r in providers.requests if r[1] == "/v1/refunds"]) == 1
    assert verify_balances() == []


def test_empty_amount_refunds_the_rest_and_the_button_goes(
    client, admin, student, package, providers, pay_for_credits
):
    payment = pay_for_credits(student)
    client.force_login(admin)
    url = f"/admin/finance/payments/{payment.pk}/refund/"
    client.post(url, {"amount": "3", "reason": "Part", "nonce": form_nonce(client.get(url))})
    client.post(url, {"amount": "", "reason": "The rest", "nonce": form_nonce(client.get(url))})
    payment.refresh_from_db()
    assert payment.amount_refunded == payment.amount == Decimal("10.00")
    assert [r.amount for r in Refund.objects.order_by("created_at")] == [
        Decimal("3.00"),
        Decimal("7.00"),
    ]
    inspect = client.get(f"/admin/finance/payments/inspect/{payment.pk}/")
    assert url.encode() not in inspect.content
    assert client.get(url).status_code == 302  # nothing left: back to the payment


def test_too_much_or_no_reason_is_a_form_error_and_nothing_moves(
    client, admin, student, package, providers, pay_for_credits
):
    payment = pay_for_credits(student)
    client.force_login(admin)
    url = f"/admin/finance/payments/{payment.pk}/refund/"
    nonce = form_nonce(client.get(url))
    too_much = client.post(url, {"amount": "10.01", "reason": "x", "nonce": nonce})
    assert too_much.status_code == 200 and b"10.00" in too_much.content
    assert too_much.context["form"].errors["amount"]
    no_reason = client.post(url, {"amount": "1", "reason": "", "nonce": nonce})
    assert no_reason.context["form"].errors["reason"]
    assert not Refund.objects.exists()
    assert not [r for r in providers.requests if r[1] == "/v1/refunds"]


def test_refunding_needs_the_refund_permission(
    client, role_user, moderator, student, package, providers, pay_for_credits
):
    payment = pay_for_credits(student)
    viewer = role_user(email="books@example.com")
    group = Group.objects.create(name="Bookkeepers")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["wagtailadmin", "payments"],
            codename__in=["access_admin", "view_payment", "change_payment"],
        )
    )
    viewer.groups.add(group)
    url = f"/admin/finance/payments/{payment.pk}/refund/"
    for user in (viewer, moderator, student):
        client.force_login(user)
        assert client.get(url).status_code in (302, 403), user
        assert client.post(url, {"reason": "x", "nonce": "1" * 32}).status_code in (302, 403)
    client.force_login(viewer)
    inspect = client.get(f"/admin/finance/payments/inspect/{payment.pk}/")
    assert inspect.status_code == 200 and url.encode() not in inspect.content
    assert not Refund.objects.exists()
    assert Payment.objects.get().amount_refunded == 0
