"""What other apps ask payments about: the "Pay with" choices for an amount (bank transfer
only from its minimum, the same rule ``start_checkout`` enforces) and the pending payment
of a purpose for one item."""

from decimal import Decimal

import pytest

from payments.conf import website_providers
from payments.errors import ProviderUnavailable
from payments.models import Payment, PaymentStatus
from payments.selectors import payments_of_item, pending_payment
from payments.services import start_checkout

pytestmark = pytest.mark.django_db


def test_bank_transfer_is_offered_for_exactly_the_amounts_checkout_takes_it_for(
    settings, student, package
) -> None:
    settings.PAYMENTS_DEMO_ENABLED = True
    settings.BANK_TRANSFER_MINIMUM = {"USD": "500"}
    offered = dict(website_providers(amount=Decimal("499.99"), currency="USD"))
    assert "bank_transfer" not in offered and "demo" in offered
    assert "bank_transfer" in dict(website_providers(amount=Decimal("500"), currency="USD"))
    assert "bank_transfer" in dict(website_providers())  # amount unknown: offered
    assert "bank_transfer" not in dict(website_providers(recurring=True))
    # The starter package costs less than 500 USD: checkout refuses what the list hides.
    with pytest.raises(ProviderUnavailable):
        start_checkout(
            student,
            purpose="credits",
            item={"package": "starter"},
            provider="bank_transfer",
            currency="USD",
        )
    settings.BANK_TRANSFER_MINIMUM = {"USD": "1"}
    checkout = start_checkout(
        student,
        purpose="credits",
        item={"package": "starter"},
        provider="bank_transfer",
        currency="USD",
    )
    assert checkout.payment.provider == "bank_transfer"


def test_the_pending_payment_of_an_item_is_found_by_purpose_item_and_provider(
    settings, student, package
) -> None:
    settings.PAYMENTS_DEMO_ENABLED = True
    settings.BANK_TRANSFER_MINIMUM = {"USD": "1"}
    assert pending_payment(purpose="credits", item={"package": "starter"}) is None
    transfer = start_checkout(
        student,
        purpose="credits",
        item={"package": "starter"},
        provider="bank_transfer",
        currency="USD",
    ).payment
    card = start_checkout(
        student, purpose="credits", item={"package": "starter"}, provider="demo", currency="USD"
    ).payment
    assert pending_payment(purpose="credits", item={"package": "starter"}) == card
    assert (
        pending_payment(purpose="credits", item={"package": "starter"}, provider="bank_transfer")
        == transfer
    )
    assert pending_payment(purpose="credits", item={"package": "other"}) is None
    assert pending_payment(purpose="subscription", item={"package": "starter"}) is None
    Payment.objects.filter(pk=card.pk).update(status=PaymentStatus.FAILED)
    assert pending_payment(purpose="credits", item={"package": "starter"}) == transfer
    assert list(
        payments_of_item(purpose="credits", item={"package": "starter"}, status="failed")
    ) == [Payment.objects.get(pk=card.pk)]
