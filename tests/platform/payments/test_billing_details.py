"""The buyer enters their billing country and VAT/GST number on the website or through the
API (validated: an ISO country code, a plausible tax id); the next invoice carries them,
in its fields and in its PDF, and the country picks the tax rate."""

import re
import zlib
from decimal import Decimal

import pytest

from payments.invoices import render_pdf
from payments.models import BillingDetails, Invoice, InvoiceKind, TaxRate

pytestmark = pytest.mark.django_db

API = "/api/v1/payments/billing/"


def pdf_text(pdf: bytes) -> str:
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    return b"".join(zlib.decompress(stream) for stream in streams).decode("latin-1")


def test_the_api_reads_validates_and_saves_the_billing_details(api_client, student) -> None:
    assert api_client.get(API).status_code in (401, 403)
    api_client.force_login(student)
    assert api_client.get(API).json() == {"country": "", "tax_id": "", "updated_at": None}

    bad = api_client.put(API, {"country": "XX", "tax_id": "<b>"}, format="json")
    assert bad.status_code == 400
    assert bad.json()["code"] == "validation_error"
    assert set(bad.json()["fields"]) == {"country", "tax_id"}
    assert api_client.put(API, {"country": "DEU"}, format="json").status_code == 400
    assert not BillingDetails.objects.exists()

    saved = api_client.put(API, {"country": "de", "tax_id": " DE 123456789 "}, format="json")
    assert saved.status_code == 200
    assert (saved.json()["country"], saved.json()["tax_id"]) == ("DE", "DE 123456789")
    assert api_client.get(API).json()["country"] == "DE"
    # Empty strings clear them.
    cleared = api_client.put(API, {"country": "", "tax_id": ""}, format="json").json()
    assert (cleared["country"], cleared["tax_id"]) == ("", "")
    assert BillingDetails.objects.get(user=student).country == ""


def test_details_entered_on_the_website_are_on_the_next_invoice_and_its_pdf(
    client, settings, student, package, pay_for_credits
) -> None:
    settings.TAX_PRICES_INCLUDE_TAX = True
    TaxRate.objects.create(country="DE", product="credits", name="VAT", rate=Decimal("19.00"))
    before = pay_for_credits(student)  # no details yet: no tax, no tax id
    client.force_login(student)
    assert 'href="/wallet/billing/"' in client.get("/wallet/").content.decode()
    assert client.get("/wallet/billing/").status_code == 200

    refused = client.post("/wallet/billing/", {"country": "ZZ", "tax_id": ""})
    assert refused.status_code == 400 and "two-letter" in refused.content.decode()
    saved = client.post("/wallet/billing/", {"country": "de", "tax_id": "DE123456789"})
    assert saved.status_code == 302 and saved["Location"] == "/wallet/billing/"
    assert 'value="DE123456789"' in client.get("/wallet/billing/").content.decode()

    # Prices are labelled as the operator set them, and the checkout shows the tax line.
    assert "incl. tax" in client.get("/wallet/").content.decode()
    page = client.post(
        "/payments/checkout/",
        {"purpose": "credits", "item": "starter", "currency": "USD", "provider": "stripe"},
    ).content.decode()
    assert "Includes VAT 19%: 1.60 USD" in page
    settings.TAX_PRICES_INCLUDE_TAX = False
    assert "+ tax" in client.get("/wallet/").content.decode()
    settings.TAX_PRICES_INCLUDE_TAX = True

    payment = pay_for_credits(student)
    assert (payment.tax_amount, payment.tax_rate) == (Decimal("1.60"), Decimal("19.00"))
    invoice = Invoice.objects.get(payment=payment, kind=InvoiceKind.INVOICE)
    assert invoice.buyer_tax_id == "DE123456789"
    assert "Country: DE" in invoice.billed_to
    text = pdf_text(render_pdf(invoice))
    assert "DE123456789" in text and "Country: DE" in text
    # The invoice issued before keeps what it was issued with.
    earlier = Invoice.objects.get(payment=before, kind=InvoiceKind.INVOICE)
    assert earlier.buyer_tax_id == "" and "Country" not in earlier.billed_to
    assert "DE123456789" not in pdf_text(render_pdf(earlier))
