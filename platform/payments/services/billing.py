"""The buyer's billing details: the country whose tax rate applies and their VAT or GST
number, both printed on the invoices issued after they are saved."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User

from ..models import BillingDetails


@transaction.atomic
def save_billing_details(user: User, *, country: str, tax_id: str) -> BillingDetails:
    """Stores them normalised (country upper-case, spaces trimmed) after the model's own
    validation (ISO 3166-1 country, tax-id characters): a caller that skipped its form or
    serializer gets Django's ValidationError, never a bad row."""
    details, _ = BillingDetails.objects.select_for_update().get_or_create(user=user)
    details.country = country.strip().upper()
    details.tax_id = " ".join(tax_id.split())
    details.full_clean(exclude=["user"])
    details.save()
    return details
