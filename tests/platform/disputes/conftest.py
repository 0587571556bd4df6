import pytest
from django.contrib.auth.models import Group

from credits.testing import package  # noqa: F401
from tutoring.testing import make_gig, make_listing, paid_booking  # noqa: F401


@pytest.fixture
def pay_for_credits(client, providers):  # type: ignore[no-untyped-def]
    """Buys the "starter" package (10 USD, 100 credits) through Stripe's checkout and its
    signed payment_intent.succeeded webhook."""
    from payments.models import Payment, PaymentStatus
    from payments.services import start_checkout
    from payments.testing import deliver_payment_succeeded

    def pay(user) -> Payment:  # type: ignore[no-untyped-def]
        checkout = start_checkout(
            user, purpose="credits", item={"package": "starter"}, provider="stripe", currency="USD"
        )
        deliver_payment_succeeded(providers, checkout.payment, client)
        checkout.payment.refresh_from_db()
        assert checkout.payment.status == PaymentStatus.SUCCEEDED
        return checkout.payment

    return pay


@pytest.fixture
def finance_moderator(role_user):  # type: ignore[no-untyped-def]
    """A staff member in the "Finance" group (its permissions come from the migrations)."""
    user = role_user(email="fiona@example.com", first_name="Fiona", last_name="Finance")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get(name="Finance"))
    return user


@pytest.fixture
def razorpay_payment(api_client, student, package, providers):  # type: ignore[no-untyped-def]  # noqa: F811
    """The starter package paid in INR through Razorpay's checkout and signed confirmation."""
    from payments.models import Payment
    from payments.testing import razorpay_payment_signature

    api_client.force_login(student)
    body = {"purpose": "credits", "item": {"package": "starter"}, "provider": "razorpay"}
    checkout = api_client.post(
        "/api/v1/payments/checkout/", {**body, "currency": "INR"}, format="json"
    ).json()
    order_id = checkout["client"]["order_id"]
    paid = providers.pay_order(order_id)
    signature = razorpay_payment_signature(order_id, paid["id"])
    answer = api_client.post(
        f"/api/v1/payments/{checkout['payment']['id']}/razorpay/confirm/",
        {
            "razorpay_order_id": order_id,
            "razorpay_payment_id": paid["id"],
            "razorpay_signature": signature,
        },
        format="json",
    )
    assert answer.json()["status"] == "succeeded"
    return Payment.objects.get(pk=checkout["payment"]["id"])


from cms.abroad.testing import abroad_tree, make_course, make_homestay  # noqa: E402, F401
from tutoring.testing import buy_seat  # noqa: E402, F401
