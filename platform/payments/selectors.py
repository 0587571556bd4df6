"""Reads on payments: a user sees only their own; staff see all."""

from datetime import date

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import BillingDetails, Invoice, InvoiceKind, Payment, PaymentStatus


def billing_details_of(user: User) -> BillingDetails:
    """The buyer's billing details, or empty ones (unsaved) when they never gave any."""
    return BillingDetails.objects.filter(user=user).first() or BillingDetails(user=user)


def payments_for(user: User) -> QuerySet[Payment]:
    return Payment.objects.filter(user=user).prefetch_related("invoices").order_by("-created_at")


def payments_of_item(
    *, purpose: str, item: dict[str, str], status: str | None = None, provider: str = ""
) -> QuerySet[Payment]:
    """The payments of ``purpose`` for one item (``{"booking": id}``…), newest first:
    how other apps find what was paid for their things without reading this app's tables."""
    payments = Payment.objects.filter(
        purpose=purpose, **{f"item__{key}": value for key, value in item.items()}
    )
    if status is not None:
        payments = payments.filter(status=status)
    if provider:
        payments = payments.filter(provider=provider)
    return payments.order_by("-created_at")


def payments_of_items(*, purpose: str, key: str, values: list[str]) -> dict[str, list[Payment]]:
    """Every payment of ``purpose`` whose ``item[key]`` is one of ``values``, by that
    value, newest first: one query for a page of another app's things."""
    found: dict[str, list[Payment]] = {value: [] for value in values}
    if not values:
        return found
    payments = Payment.objects.filter(purpose=purpose, **{f"item__{key}__in": values})
    for payment in payments.order_by("-created_at"):
        found.setdefault(str(payment.item.get(key)), []).append(payment)
    return found


def pending_payment(*, purpose: str, item: dict[str, str], provider: str = "") -> Payment | None:
    """The newest payment of ``purpose`` for ``item`` still waiting for its money (a bank
    transfer not arrived yet, a card payment not confirmed), if any."""
    return payments_of_item(
        purpose=purpose, item=item, status=PaymentStatus.PENDING, provider=provider
    ).first()


def payment_for(user: User, payment_id: str) -> Payment:
    queryset = Payment.objects.all() if user.is_staff else Payment.objects.filter(user=user)
    return get_object_or_404(queryset, pk=payment_id)


def own_payment(user: User, payment_id: str) -> Payment:
    """Only the payer's, staff included: paying is the payer's own act."""
    return get_object_or_404(Payment.objects.filter(user=user), pk=payment_id)


def invoice_for(user: User, payment_id: str, number: str | None = None) -> Invoice:
    payment = payment_for(user, payment_id)
    invoices = Invoice.objects.filter(payment=payment).select_related("payment")
    if number:
        return get_object_or_404(invoices, number=number)
    return get_object_or_404(invoices, kind=InvoiceKind.INVOICE)


def tax_report(start: date, end: date) -> list[list[str]]:
    """The accountant's tax report: every invoice and credit note issued from ``start`` to
    ``end`` (inclusive, UTC days) with its net, tax and total (credit notes negative), then
    one total row per currency, country, tax and rate."""
    from collections import defaultdict
    from datetime import UTC, datetime, time, timedelta
    from decimal import Decimal

    since = datetime.combine(start, time.min, tzinfo=UTC)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    rows: list[list[str]] = [
        [
            "number",
            "kind",
            "issued_at",
            "payment",
            "buyer_country",
            "buyer_tax_id",
            "tax",
            "rate_percent",
            "net",
            "tax_amount",
            "total",
            "currency",
        ]
    ]
    totals: dict[tuple[str, str, str, str], list[Decimal]] = defaultdict(
        lambda: [Decimal("0"), Decimal("0"), Decimal("0")]
    )
    invoices = (
        Invoice.objects.filter(issued_at__gte=since, issued_at__lt=until)
        .select_related("payment")
        .order_by("issued_at", "number")
    )
    for invoice in invoices:
        sign = 1 if invoice.kind == InvoiceKind.INVOICE else -1
        net, tax, total = (
            sign * invoice.net_amount,
            sign * invoice.tax_amount,
            sign * invoice.amount,
        )
        country = invoice.payment.tax_country
        rate = f"{invoice.tax_rate:.2f}"
        rows.append(
            [
                invoice.number,
                invoice.kind,
                invoice.issued_at.isoformat(),
                str(invoice.payment_id),
                country,
                invoice.buyer_tax_id,
                invoice.tax_name,
                rate,
                f"{net:.2f}",
                f"{tax:.2f}",
                f"{total:.2f}",
                invoice.currency,
            ]
        )
        key = (invoice.currency, country, invoice.tax_name, rate)
        for index, value in enumerate((net, tax, total)):
            totals[key][index] += value
    for (currency, country, name, rate), (net, tax, total) in sorted(totals.items()):
        rows.append(
            [
                "TOTAL",
                "",
                "",
                "",
                country,
                "",
                name,
                rate,
                f"{net:.2f}",
                f"{tax:.2f}",
                f"{total:.2f}",
                currency,
            ]
        )
    return rows
