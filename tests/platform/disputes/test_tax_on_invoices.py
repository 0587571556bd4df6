"""Tax computed at checkout and frozen on the payment, tax lines on the invoice and its
credit notes (API, PDF, admin), and the tax report CSV in the finance admin."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from payments.invoices import render_pdf
from payments.models import BillingDetails, Invoice, InvoiceKind, TaxRate
from payments.services import refund_payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def german_buyer(student):  # type: ignore[no-untyped-def]
    BillingDetails.objects.create(user=student, country="DE", tax_id="DE123456789")
    TaxRate.objects.create(country="DE", product="credits", name="VAT", rate=Decimal("19.00"))
    TaxRate.objects.create(country="DE", product="lesson", name="VAT", rate=Decimal("7.00"))
    return student


def _lines(invoice: Invoice) -> tuple[Decimal, Decimal, Decimal]:
    return invoice.net_amount, invoice.tax_amount, invoice.amount


@pytest.mark.parametrize(
    ("inclusive", "charged", "net", "tax"),
    [
        # 10.00 includes 19 % VAT: 8.40 net + 1.60 tax.
        (True, Decimal("10.00"), Decimal("8.40"), Decimal("1.60")),
        # 10.00 plus 19 % VAT: 11.90 charged.
        (False, Decimal("11.90"), Decimal("10.00"), Decimal("1.90")),
    ],
)
def test_tax_lines_sum_on_the_invoice_and_its_credit_notes(
    settings,
    api_client,
    german_buyer,
    package,
    providers,
    pay_for_credits,
    inclusive,
    charged,
    net,
    tax,
):
    settings.TAX_PRICES_INCLUDE_TAX = inclusive
    settings.INVOICE_SELLER_TAX_ID = "EE100000001"
    payment = pay_for_credits(german_buyer)
    assert (payment.amount, payment.tax_amount, payment.tax_rate, payment.tax_inclusive) == (
        charged,
        tax,
        Decimal("19.00"),
        inclusive,
    )
    assert providers.intents[payment.provider_order_id]["amount"] == int(charged * 100)
    invoice = Invoice.objects.get(payment=payment, kind=InvoiceKind.INVOICE)
    assert _lines(invoice) == (net, tax, charged)
    assert invoice.net_amount + invoice.tax_amount == invoice.amount
    assert (invoice.seller_tax_id, invoice.buyer_tax_id) == ("EE100000001", "DE123456789")
    # A rate changed later does not touch what was charged.
    TaxRate.objects.filter(country="DE", product="credits").update(rate=Decimal("25.00"))

    # Refunded in two parts (an odd cent on purpose): each credit note's lines add up, and
    # together they give back exactly the invoice's net and tax.
    first = refund_payment(payment, amount=Decimal("3.33"), idempotency_key="part-1")
    second = refund_payment(payment, idempotency_key="part-2")
    notes = [Invoice.objects.get(refund=first), Invoice.objects.get(refund=second)]
    for note in notes:
        assert note.kind == InvoiceKind.CREDIT_NOTE
        assert note.net_amount + note.tax_amount == note.amount
        assert note.buyer_tax_id == "DE123456789"
    assert sum(n.amount for n in notes) == charged
    assert sum(n.tax_amount for n in notes) == tax
    assert sum(n.net_amount for n in notes) == net

    api_client.force_login(german_buyer)
    shown = api_client.get(f"/api/v1/payments/{payment.pk}/").json()
    assert shown["tax_amount"] == f"{tax}"
    assert {(i["kind"], i["tax_amount"]) for i in shown["invoices"]} == {
        ("invoice", f"{tax}"),
        ("credit_note", f"{notes[0].tax_amount}"),
        ("credit_note", f"{notes[1].tax_amount}"),
    }
    pdf = render_pdf(invoice)
    assert pdf.startswith(b"%PDF")


def test_no_rate_means_no_tax_and_the_report_lists_the_period(
    settings, client, admin, german_buyer, other_student, package, providers, pay_for_credits
):
    settings.TAX_PRICES_INCLUDE_TAX = True
    taxed = pay_for_credits(german_buyer)
    untaxed = pay_for_credits(other_student)  # no country anywhere: no tax
    assert (untaxed.tax_amount, untaxed.amount) == (Decimal("0"), Decimal("10.00"))
    refund_payment(taxed, amount=Decimal("5.00"), idempotency_key="half")

    client.force_login(admin)
    form = client.get("/admin/finance/tax-report/")
    assert form.status_code == 200
    today = timezone.now().date().isoformat()
    answer = client.get(f"/admin/finance/tax-report/?start={today}&end={today}")
    assert answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.content.decode())))
    assert rows[0][:2] == ["number", "kind"]
    body = [row for row in rows[1:] if row[0] != "TOTAL"]
    assert sorted((row[1], row[9], row[10]) for row in body) == [
        ("credit_note", "-0.80", "-5.00"),
        ("invoice", "0.00", "10.00"),
        ("invoice", "1.60", "10.00"),
    ]
    totals = {(row[4], row[7]): (row[8], row[9], row[10]) for row in rows if row[0] == "TOTAL"}
    assert totals[("DE", "19.00")] == ("4.20", "0.80", "5.00")
    assert totals[("", "0.00")] == ("10.00", "0.00", "10.00")
    # Only finance staff get it.
    client.force_login(other_student)
    assert client.get(f"/admin/finance/tax-report/?start={today}&end={today}").status_code in (
        302,
        403,
    )
