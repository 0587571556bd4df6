"""A pack bought on a server without Stripe keys: the pay page shows the demo provider's
card form, and its test card makes the pack the learner's."""

from typing import Any

import pytest

from payments.models import Payment

pytestmark = pytest.mark.django_db


def test_a_pack_bought_with_the_demo_card_is_the_learners(
    client: Any, api_client: Any, teacher: Any, student: Any, make_pack: Any, settings: Any
) -> None:
    settings.PAYMENTS_DEMO_ENABLED = True
    settings.STRIPE_SECRET_KEY = ""
    pack = make_pack(teacher)
    client.force_login(student)
    page = client.post(f"/materials/packs/{pack['id']}/buy/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Demo payment — no real money" in html
    assert "js/payments/demo-card.js" in html and "stripe-element.js" not in html
    payment = Payment.objects.get(user=student, purpose="material_pack")
    assert payment.provider == "demo"

    api_client.force_login(student)
    answer = api_client.post(
        f"/api/v1/payments/{payment.pk}/demo/confirm/",
        {"card": "4242424242424242", "expiry": "12/40", "cvc": "123"},
        format="json",
    )
    assert answer.json()["status"] == "succeeded"
    done = client.get(
        f"/payments/{payment.pk}/done/", {"next": f"/materials/packs/{pack['id']}/"}, follow=True
    )
    html = done.content.decode()
    assert done.redirect_chain[-1][0] == f"/materials/packs/{pack['id']}/"
    assert "Payment received" in html and "This pack is yours." in html
