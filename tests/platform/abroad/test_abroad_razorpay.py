"""Razorpay on the study-abroad pay page: with Razorpay configured (the ``providers``
fixture fakes its API on 127.0.0.1, the HTTP boundary), a course priced in rupees offers
it, choosing it creates a Razorpay order for the booking's deposit, and the checkout's
signed answer confirms the booking."""

from decimal import Decimal

import pytest
from abroad import services
from abroad.models import BookingStatus
from django.test import override_settings

from credits.services import verify_balances
from payments.models import Payment, PaymentStatus
from payments.testing import razorpay_payment_signature

pytestmark = pytest.mark.django_db


@override_settings(PAYMENTS_DEMO_ENABLED=False)
def test_the_pay_page_offers_razorpay_and_choosing_it_pays_the_booking_through_it(  # type: ignore[no-untyped-def]
    client, api_client, make_course, institution, student, providers
) -> None:
    course = make_course(
        institution, currency="INR", price_per_week=Decimal("9000.00"), deposit_percent=20
    )
    booking = services.hold_booking(learner=student, intake_id=course.intakes.get().pk, weeks=2)
    assert booking.currency == "INR"
    client.force_login(student)

    chooser = client.get(f"/abroad/trips/{booking.pk}/pay/")
    assert chooser.status_code == 200
    assert 'href="?provider=razorpay"' in chooser.content.decode()
    assert not Payment.objects.filter(provider="razorpay").exists()

    page = client.get(f"/abroad/trips/{booking.pk}/pay/", {"provider": "razorpay"})
    assert page.status_code == 200
    html = page.content.decode()
    payment = Payment.objects.get(provider="razorpay", item__booking=str(booking.pk))
    assert payment.amount == booking.due_now and payment.currency == "INR"
    order = providers.orders[payment.provider_order_id]
    assert order["amount"] == int(booking.due_now * 100) and order["currency"] == "INR"
    assert payment.provider_order_id in html  # the checkout script's client data
    assert 'data-provider="razorpay"' in html and "js/payments/checkout.js" in html

    paid = providers.pay_order(payment.provider_order_id)
    api_client.force_login(student)
    response = api_client.post(
        f"/api/v1/payments/{payment.pk}/razorpay/confirm/",
        {
            "razorpay_order_id": payment.provider_order_id,
            "razorpay_payment_id": paid["id"],
            "razorpay_signature": razorpay_payment_signature(payment.provider_order_id, paid["id"]),
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.amount_paid == booking.due_now < booking.total
    assert verify_balances() == []


@override_settings(RAZORPAY_KEY_ID="", RAZORPAY_KEY_SECRET="", PAYMENTS_DEMO_ENABLED=True)
def test_without_razorpay_keys_the_pay_page_neither_offers_nor_starts_it(  # type: ignore[no-untyped-def]
    client, make_course, institution, student
) -> None:
    course = make_course(institution, currency="INR", price_per_week=Decimal("9000.00"))
    booking = services.hold_booking(learner=student, intake_id=course.intakes.get().pk)
    client.force_login(student)
    page = client.get(f"/abroad/trips/{booking.pk}/pay/", {"provider": "razorpay"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="?provider=razorpay"' not in html and 'data-provider="razorpay"' not in html
    assert 'data-provider="demo"' in html or "demo-card" in html
    assert not Payment.objects.filter(provider="razorpay").exists()
