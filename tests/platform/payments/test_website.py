"""Wallet, checkout and history pages."""

import pytest

pytestmark = pytest.mark.django_db


def test_wallet_and_bank_transfer_checkout_pages(client, student, package, settings):
    from credits.demo import ensure_pricing

    ensure_pricing()
    ensure_pricing()  # idempotent
    settings.BANK_TRANSFER_MINIMUM = {"USD": "1"}
    client.force_login(student)
    page = client.get("/wallet/")
    assert page.status_code == 200 and b"Buy credits" in page.content
    response = client.post(
        "/payments/checkout/",
        {"purpose": "credits", "item": "starter", "provider": "bank_transfer", "currency": "USD"},
    )
    assert response.status_code == 200 and b"TOTO-" in response.content
    assert b"Starter" in client.get("/payments/").content


def test_stripe_checkout_page_carries_client_data_for_the_script(
    client, student, package, providers
):
    client.force_login(student)
    response = client.post(
        "/payments/checkout/",
        {"purpose": "credits", "item": "starter", "provider": "stripe", "currency": "USD"},
    )
    assert b'id="checkout-client"' in response.content and b"client_secret" in response.content
    assert b"js/payments/checkout.js" in response.content
