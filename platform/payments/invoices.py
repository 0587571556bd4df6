"""Gap-free invoice and credit-note numbers, and their PDF.

fpdf2 draws the PDF: pure Python, no system libraries, and its core fonts cover the Latin
text of an invoice (other scripts are transliterated to '?' rather than failing).
"""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from core.lazy import lazy_module

from .conf import setting
from .models import Invoice, InvoiceKind, InvoiceSeries, Payment, Refund
from .tax import buyer_billing, credit_note_tax_fields, invoice_tax_fields

if TYPE_CHECKING:
    import fpdf
else:
    fpdf = lazy_module("fpdf")

PREFIXES = {InvoiceKind.INVOICE: "INV", InvoiceKind.CREDIT_NOTE: "CN"}


def next_number(kind: InvoiceKind) -> str:
    """Takes the next number of this year's series under a row lock: the caller's
    transaction holds it until commit, and a rollback gives the number back."""
    prefix = f"{PREFIXES[kind]}-{timezone.now().year}"
    InvoiceSeries.objects.get_or_create(prefix=prefix)
    series = InvoiceSeries.objects.select_for_update().get(prefix=prefix)
    number = series.next_number
    series.next_number = number + 1
    series.save(update_fields=["next_number"])
    return f"{prefix}-{number:06d}"


def _billed_to(payment: Payment, country: str = "") -> str:
    user = payment.user
    lines = [user.get_full_name(), user.email, f"Country: {country}" if country else ""]
    return "\n".join(line for line in lines if line).strip()


@transaction.atomic
def issue_invoice(payment: Payment) -> Invoice:
    existing = Invoice.objects.filter(payment=payment, kind=InvoiceKind.INVOICE).first()
    if existing:
        return existing
    # The billing details as they are now, frozen on the invoice (one query for both).
    country, tax_id = buyer_billing(payment.user)
    return Invoice.objects.create(
        number=next_number(InvoiceKind.INVOICE),
        kind=InvoiceKind.INVOICE,
        payment=payment,
        billed_to=_billed_to(payment, country),
        description=payment.description,
        amount=payment.amount,
        currency=payment.currency,
        **invoice_tax_fields(payment, tax_id=tax_id),
    )


@transaction.atomic
def issue_credit_note(refund: Refund) -> Invoice:
    existing = Invoice.objects.filter(refund=refund).first()
    if existing:
        return existing
    return Invoice.objects.create(
        number=next_number(InvoiceKind.CREDIT_NOTE),
        kind=InvoiceKind.CREDIT_NOTE,
        payment=refund.payment,
        refund=refund,
        billed_to=_credit_note_billed_to(refund.payment),
        description=f"Refund: {refund.payment.description}",
        amount=refund.amount,
        currency=refund.payment.currency,
        **credit_note_tax_fields(refund.payment, refund.amount),
    )


def _credit_note_billed_to(payment: Payment) -> str:
    """A credit note is addressed as the invoice it corrects was (the account may have been
    deleted and anonymised since: the invoice keeps the name as issued)."""
    invoice = Invoice.objects.filter(payment=payment, kind=InvoiceKind.INVOICE).first()
    return invoice.billed_to if invoice is not None else _billed_to(payment)


def tax_lines(invoice: Invoice) -> list[tuple[str, Decimal]]:
    """The lines between the net amount and the total: "Subtotal" and the tax (none when no
    tax applied). Net plus tax is the total, on every invoice and credit note."""
    if not invoice.tax_amount:
        return []
    return [(f"{invoice.tax_name or 'Tax'} {invoice.tax_rate.normalize():f}%", invoice.tax_amount)]


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def render_pdf(invoice: Invoice) -> bytes:
    pdf = fpdf.FPDF(format="A4")
    pdf.set_title(invoice.number)
    pdf.set_creator("Toto")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    title = "Invoice" if invoice.kind == InvoiceKind.INVOICE else "Credit note"
    pdf.cell(0, 12, _latin1(f"{title} {invoice.number}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, _latin1(setting("INVOICE_SELLER")), new_x="LMARGIN", new_y="NEXT")
    if invoice.seller_tax_id:
        pdf.cell(0, 5, _latin1(f"Tax id: {invoice.seller_tax_id}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.cell(0, 6, f"Issued: {invoice.issued_at:%Y-%m-%d %H:%M} UTC", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"Payment: {invoice.payment_id}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, "Billed to", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 5, _latin1(invoice.billed_to), new_x="LMARGIN", new_y="NEXT")
    if invoice.buyer_tax_id:
        pdf.cell(0, 5, _latin1(f"Tax id: {invoice.buyer_tax_id}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(140, 8, "Description", border="B")
    pdf.cell(0, 8, "Amount", border="B", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    sign = "" if invoice.kind == InvoiceKind.INVOICE else "-"
    pdf.cell(140, 8, _latin1(invoice.description))
    pdf.cell(
        0,
        8,
        f"{sign}{invoice.net_amount} {invoice.currency}",
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for label, value in tax_lines(invoice):
        pdf.cell(140, 8, _latin1(label))
        pdf.cell(
            0, 8, f"{sign}{value} {invoice.currency}", align="R", new_x="LMARGIN", new_y="NEXT"
        )
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(140, 10, "Total", border="T")
    pdf.cell(
        0,
        10,
        f"{sign}{invoice.amount} {invoice.currency}",
        border="T",
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
