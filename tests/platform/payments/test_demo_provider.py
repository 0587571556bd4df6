"""The demo provider: test cards through the same checkout, ledger, invoices and refunds as
the real providers; on only where the settings allow it, never in production."""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from accounts.jwt_keys import generate_private_key_pem
from credits.models import AccountKind, Subscription, SubscriptionStatus, Transfer
from credits.services import user_account
from payments.models import Invoice, InvoiceKind, Payment, PaymentStatus
from payments.services import refund_payment
from tutoring.testing import make_gig, make_listing  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

CHECKOUT = "/api/v1/payments/checkout/"
GOOD = {"card": "4242 4242 4242 4242", "expiry": "12/40", "cvc": "123"}
DECLINED = {**GOOD, "card": "4000000000000002"}
THREE_D_SECURE = {**GOOD, "card": "4000 0000 0000 3220"}


@pytest.fixture(autouse=True)
def demo_on(settings):
    settings.PAYMENTS_DEMO_ENABLED = True
    settings.STRIPE_SECRET_KEY = ""


@pytest.fixture
def checkout(api_client, student, package):
    def start(purpose: str = "credits", item: dict | None = None) -> dict:
        api_client.force_login(student)
        body = {
            "purpose": purpose,
            "item": item or {"package": "starter"},
            "provider": "demo",
            "currency": "USD",
        }
        response = api_client.post(CHECKOUT, body, format="json")
        assert response.status_code == 201, response.json()
        return response.json()

    return start


def confirm(api_client, payment_id: str, body: dict):
    return api_client.post(f"/api/v1/payments/{payment_id}/demo/confirm/", body, format="json")


def wallet(user) -> Decimal:
    return user_account(user, AccountKind.WALLET).balance


def test_checkout_answers_the_payment_and_the_test_cards(checkout):
    answer = checkout()
    assert answer["payment"]["provider"] == "demo"
    assert answer["payment"]["status"] == "pending"
    assert answer["client"]["provider"] == "demo"
    assert answer["client"]["amount"] == 1000
    numbers = [card["number"] for card in answer["client"]["test_cards"]]
    assert numbers == ["4242424242424242", "4000000000000002", "4000000000003220"]
    assert Payment.objects.get(pk=answer["payment"]["id"]).provider_order_id.startswith("demo_")


def test_the_success_card_books_the_ledger_and_issues_an_invoice(api_client, checkout, student):
    payment_id = checkout()["payment"]["id"]
    response = confirm(api_client, payment_id, GOOD)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "succeeded"
    assert body["payment"]["status"] == "succeeded"
    assert body["payment"]["invoices"][0]["number"].startswith("INV-")
    assert wallet(student) == Decimal("100.00")
    payment = Payment.objects.get(pk=payment_id)
    assert payment.payment_fingerprint == "demo-card-4242"
    assert payment.provider_payment_id.startswith("demo_ch_")
    assert Invoice.objects.filter(payment=payment, kind=InvoiceKind.INVOICE).count() == 1
    assert Transfer.objects.filter(idempotency_key=f"payment:{payment_id}").exists()


def test_confirming_a_succeeded_payment_again_changes_nothing(api_client, checkout, student):
    payment_id = checkout()["payment"]["id"]
    confirm(api_client, payment_id, GOOD)
    again = confirm(api_client, payment_id, DECLINED)
    assert again.status_code == 200
    assert again.json()["status"] == "succeeded"
    assert confirm(api_client, payment_id, {"action": "cancel"}).json()["status"] == "succeeded"
    assert wallet(student) == Decimal("100.00")
    assert Invoice.objects.filter(payment_id=payment_id).count() == 1


def test_a_declined_card_fails_the_payment_with_its_reason_and_books_nothing(
    api_client, checkout, student
):
    payment_id = checkout()["payment"]["id"]
    response = confirm(api_client, payment_id, DECLINED)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "failed"
    assert "declined" in body["failure_reason"]
    payment = Payment.objects.get(pk=payment_id)
    assert payment.status == PaymentStatus.FAILED
    assert "declined" in payment.failure_reason
    assert not Transfer.objects.filter(idempotency_key=f"payment:{payment_id}").exists()
    assert not Invoice.objects.filter(payment=payment).exists()
    assert wallet(student) == 0

    # Trying again with a good card, as a Stripe PaymentIntent may be paid after a decline.
    assert confirm(api_client, payment_id, GOOD).json()["status"] == "succeeded"
    assert wallet(student) == Decimal("100.00")


def test_the_3d_secure_card_waits_for_approval(api_client, checkout, student):
    payment_id = checkout()["payment"]["id"]
    first = confirm(api_client, payment_id, THREE_D_SECURE)
    assert first.status_code == 200
    assert first.json()["status"] == "requires_action"
    assert first.json()["payment"]["status"] == "pending"
    assert wallet(student) == 0

    approved = confirm(api_client, payment_id, {"action": "approve"})
    assert approved.json()["status"] == "succeeded"
    assert wallet(student) == Decimal("100.00")
    assert Payment.objects.get(pk=payment_id).payment_fingerprint == "demo-card-3220"


def test_canceling_the_3d_secure_step_fails_the_payment(api_client, checkout, student):
    payment_id = checkout()["payment"]["id"]
    confirm(api_client, payment_id, THREE_D_SECURE)
    canceled = confirm(api_client, payment_id, {"action": "cancel"})
    assert canceled.json()["status"] == "failed"
    assert "canceled" in canceled.json()["failure_reason"]
    assert Payment.objects.get(pk=payment_id).status == PaymentStatus.FAILED
    assert wallet(student) == 0
    # The step is gone: approving now is refused rather than paying.
    late = confirm(api_client, payment_id, {"action": "approve"})
    assert late.status_code == 409
    assert late.json()["code"] == "no_action_pending"


def test_an_action_without_a_waiting_step_is_refused(api_client, checkout):
    payment_id = checkout()["payment"]["id"]
    response = confirm(api_client, payment_id, {"action": "approve"})
    assert response.status_code == 409
    assert response.json()["code"] == "no_action_pending"
    assert Payment.objects.get(pk=payment_id).status == PaymentStatus.PENDING


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**GOOD, "card": "4111 1111 1111 1111"}, "card"),
        ({**GOOD, "expiry": "13/40"}, "expiry"),
        ({**GOOD, "expiry": "01/20"}, "expiry"),
        ({**GOOD, "cvc": "12"}, "cvc"),
        ({"expiry": "12/40", "cvc": "123"}, "card"),
    ],
)
def test_other_cards_and_bad_fields_are_field_errors(api_client, checkout, body, field):
    payment_id = checkout()["payment"]["id"]
    response = confirm(api_client, payment_id, body)
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert list(response.json()["fields"]) == [field]
    assert Payment.objects.get(pk=payment_id).status == PaymentStatus.PENDING


def test_only_the_owner_may_confirm(api_client, checkout, other_student, student):
    payment_id = checkout()["payment"]["id"]
    api_client.force_login(other_student)
    response = confirm(api_client, payment_id, GOOD)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Payment.objects.get(pk=payment_id).status == PaymentStatus.PENDING
    assert wallet(student) == 0


def test_another_providers_payment_is_not_paid_with_test_cards(api_client, student, package):
    payment = Payment.objects.create(
        user=student,
        purpose="credits",
        item={"package": "starter", "credits": "100"},
        description="Starter",
        amount=Decimal("10.00"),
        currency="USD",
        provider="stripe",
    )
    api_client.force_login(student)
    response = confirm(api_client, str(payment.pk), GOOD)
    assert response.status_code == 400
    assert response.json()["code"] == "provider_unavailable"
    assert wallet(student) == 0


def test_an_expired_payment_cannot_be_paid(api_client, checkout):
    payment_id = checkout()["payment"]["id"]
    Payment.objects.filter(pk=payment_id).update(status=PaymentStatus.EXPIRED)
    response = confirm(api_client, payment_id, GOOD)
    assert response.status_code == 409
    assert response.json()["code"] == "payment_not_payable"


def test_refunding_a_demo_payment_succeeds_at_once_with_a_credit_note(
    api_client, checkout, student
):
    payment_id = checkout()["payment"]["id"]
    confirm(api_client, payment_id, GOOD)
    payment = Payment.objects.get(pk=payment_id)
    refund = refund_payment(payment, amount=Decimal("4.00"), idempotency_key="demo-r1")
    assert refund.status == "succeeded"
    assert refund.provider_refund_id.startswith("demo_re_")
    assert refund.credit_note.number.startswith("CN-")
    assert refund.credit_note.kind == InvoiceKind.CREDIT_NOTE
    payment.refresh_from_db()
    assert payment.amount_refunded == Decimal("4.00")
    assert wallet(student) == Decimal("60.00")  # 40% of the credits taken back


def test_a_plan_bought_with_the_demo_card_is_one_prepaid_period(
    api_client, checkout, student, premium_plan
):
    payment_id = checkout("subscription", {"plan": "premium"})["payment"]["id"]
    assert confirm(api_client, payment_id, GOOD).json()["status"] == "succeeded"
    subscription = Subscription.objects.get(user=student)
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.provider == "demo"
    assert subscription.provider_subscription_id == f"payment:{payment_id}"

    refund_payment(Payment.objects.get(pk=payment_id), idempotency_key="demo-sub")
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.CANCELED


def test_the_wallet_cancels_a_plan_at_the_end_of_its_period(
    api_client, client, checkout, student, other_student, premium_plan
):
    """The wallet showed "renews …" with no way to stop it but the API: it has a Cancel
    button now, for the subscriber's own plan only."""
    payment_id = checkout("subscription", {"plan": "premium"})["payment"]["id"]
    assert confirm(api_client, payment_id, GOOD).json()["status"] == "succeeded"
    subscription = Subscription.objects.get(user=student)
    url = f"/wallet/subscriptions/{subscription.pk}/cancel/"

    client.force_login(other_student)
    assert f'action="{url}"' not in client.get("/wallet/").content.decode()
    client.post(url)
    subscription.refresh_from_db()
    assert not subscription.cancel_at_period_end

    client.force_login(student)
    page = client.get("/wallet/").content.decode()
    assert f'action="{url}"' in page and "renews" in page
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    subscription.refresh_from_db()
    assert subscription.cancel_at_period_end
    assert subscription.status == SubscriptionStatus.ACTIVE  # until the paid period ends
    page = response.content.decode()
    assert "Your subscription is cancelled" in page and "ends" in page
    assert f'action="{url}"' not in page


def test_when_disabled_checkout_and_confirm_are_refused(api_client, checkout, settings, student):
    payment_id = checkout()["payment"]["id"]
    settings.PAYMENTS_DEMO_ENABLED = False
    body = {"purpose": "credits", "item": {"package": "starter"}, "provider": "demo"}
    refused = api_client.post(CHECKOUT, {**body, "currency": "USD"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "provider_unavailable"
    assert "demo" in refused.json()["message"]
    response = confirm(api_client, payment_id, GOOD)
    assert response.status_code == 400
    assert response.json()["code"] == "provider_unavailable"
    assert wallet(student) == 0


def test_the_confirm_endpoint_has_a_pinned_query_count(api_client, checkout, assert_num_queries):
    # A first purchase creates the ledger accounts and the invoice series once.
    confirm(api_client, checkout()["payment"]["id"], GOOD)
    payment_id = checkout()["payment"]["id"]
    # Session, user, email verified; the payment, its lock twice (confirm and
    # mark_succeeded), savepoints, the purpose's ledger transfer and invoice, the answer's
    # invoices. Fixed per payment: nothing here grows with the user's history.
    with assert_num_queries(QUERIES_SUCCESS):
        assert confirm(api_client, payment_id, GOOD).status_code == 200
    with assert_num_queries(QUERIES_SETTLED):
        assert confirm(api_client, payment_id, GOOD).json()["status"] == "succeeded"


QUERIES_SUCCESS = 49  # +1: the buyer's tax id for the invoice (trust-money)
QUERIES_SETTLED = 8


REPO = Path(__file__).resolve().parents[3]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "toto.settings.production",
    "SECRET_KEY": "k" * 30 + "Zq9!x@Lm#2" * 4,
    "DATABASE_URL": "postgres://toto:pw@db:5432/toto",
    "REDIS_URL": "redis://redis:6379/0",
    "ALLOWED_HOSTS": "toto.example.org",
}
PROBE = (
    "import django; django.setup(); from django.conf import settings; "
    "from payments.conf import demo_enabled; "
    "print(settings.PAYMENTS_DEMO_ENABLED, demo_enabled())"
)


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {key: value for key, value in os.environ.items() if not key.startswith("TOTO_TEST")}
    base.pop("PAYMENTS_DEMO_ENABLED", None)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env={**base, **PRODUCTION, "HEADLESS_JWT_PRIVATE_KEY": generate_private_key_pem(), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_with_the_demo_provider_on() -> None:
    result = _start({"PAYMENTS_DEMO_ENABLED": "true"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "PAYMENTS_DEMO_ENABLED" in result.stderr


def test_production_has_the_demo_provider_off() -> None:
    result = _start({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_development_has_it_on_by_default() -> None:
    base = {key: value for key, value in os.environ.items() if not key.startswith("TOTO_TEST")}
    base.pop("PAYMENTS_DEMO_ENABLED", None)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env={**base, "DJANGO_SETTINGS_MODULE": "toto.settings.dev"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["True", "True"]


# --- Website ---------------------------------------------------------------------------------


def offered(page: str) -> list[str]:
    """The "Pay with" choices of the wallet's first form, in order (the first is chosen)."""
    import re

    first = re.search(r'<select name="provider">(.*?)</select>', page, re.S)
    assert first, page
    return re.findall(r'<option value="([a-z_]+)"', first.group(1))


def test_the_wallet_offers_only_the_demo_card_and_bank_transfer_without_keys(
    client, student, package
):
    """Providers without keys would only answer "not configured": they are not offered."""
    client.force_login(student)
    assert offered(client.get("/wallet/").content.decode()) == ["demo", "bank_transfer"]


def test_the_wallet_keeps_stripe_first_when_it_is_configured(client, student, package, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_toto"
    settings.RAZORPAY_KEY_ID, settings.RAZORPAY_KEY_SECRET = "rzp_test", "rzp_secret"
    client.force_login(student)
    choices = offered(client.get("/wallet/").content.decode())
    assert choices == ["stripe", "demo", "paypal", "razorpay", "bank_transfer"]


def test_the_wallet_offers_no_demo_card_when_it_is_off(client, student, package, settings):
    settings.PAYMENTS_DEMO_ENABLED = False
    client.force_login(student)
    assert 'value="demo"' not in client.get("/wallet/").content.decode()


def test_the_checkout_page_shows_the_labelled_demo_form(client, student, package):
    client.force_login(student)
    page = client.post(
        "/payments/checkout/", {"purpose": "credits", "item": "starter", "currency": "USD"}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Demo payment — no real money" in html
    assert "4242 4242 4242 4242" in html
    assert "4000 0000 0000 0002" in html
    assert "4000 0000 0000 3220" in html
    assert "js/payments/demo-card.js" in html
    assert "js/payments/checkout.js" not in html
    assert Payment.objects.get(user=student).provider == "demo"


def test_the_result_page_says_how_it_went_and_stays_on_this_site(
    client, api_client, checkout, student
):
    payment_id = checkout()["payment"]["id"]
    confirm(api_client, payment_id, GOOD)
    client.force_login(student)
    answer = client.get(f"/payments/{payment_id}/done/?next=https://evil.example/", follow=True)
    assert answer.redirect_chain[0][0] == "/wallet/"
    assert "Payment received: Starter: 100 credits" in answer.content.decode()
    assert "no real money was taken" in answer.content.decode()


def test_the_result_page_is_the_payers_only(client, checkout, other_student):
    payment_id = checkout()["payment"]["id"]
    client.force_login(other_student)
    assert client.get(f"/payments/{payment_id}/done/").status_code == 404


def test_the_schema_documents_the_confirm_endpoint_and_its_errors(api_client):
    schema = api_client.get(
        "/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    ).json()
    operation = schema["paths"]["/api/v1/payments/{id}/demo/confirm/"]["post"]
    assert "4000 0000 0000 3220" in operation["description"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/DemoConfirmRequest"
    )
    for code in ("400", "404", "409"):
        body = operation["responses"][code]["content"]["application/json"]["schema"]
        assert body["$ref"].endswith("/Error")
    assert "demo" in schema["components"]["schemas"]["PaymentProviderEnum"]["enum"]


# --- Other purposes: a lesson through the tutoring API ----------------------------------------


@pytest.fixture
def held_lesson(api_client, student, request):
    from datetime import UTC, datetime, timedelta

    listing = request.getfixturevalue("make_listing")(booking_horizon_days=30)
    gig = request.getfixturevalue("make_gig")(listing)
    start = (datetime.now(tz=UTC) + timedelta(days=3)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    api_client.force_login(student)
    held = api_client.post(
        "/api/v1/bookings/", {"gig": gig.pk, "start": start.isoformat(), "duration": 60}
    )
    assert held.status_code == 201, held.json()
    return held.json()["id"]


def test_a_lesson_paid_with_the_demo_card_is_confirmed(api_client, held_lesson):
    from tutoring.models import Booking, BookingStatus

    pay = api_client.post(f"/api/v1/bookings/{held_lesson}/pay/", {"provider": "demo"})
    assert pay.status_code == 200, pay.json()
    assert pay.json()["provider"] == "demo"
    assert Booking.objects.get(pk=held_lesson).status == BookingStatus.HELD
    answer = confirm(api_client, pay.json()["payment_id"], GOOD)
    assert answer.json()["status"] == "succeeded"
    assert Booking.objects.get(pk=held_lesson).status == BookingStatus.CONFIRMED


def test_the_lesson_pay_page_uses_the_demo_card_without_stripe_keys(client, student, held_lesson):
    client.force_login(student)
    page = client.get(f"/tutoring/bookings/{held_lesson}/pay/")
    html = page.content.decode()
    assert "Demo payment — no real money" in html
    assert "js/payments/demo-card.js" in html
    assert "stripe-element.js" not in html
    assert Payment.objects.get(item__booking=held_lesson).provider == "demo"
