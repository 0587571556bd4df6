"""Reads on payments: a user sees only their own; staff see all."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import Invoice, InvoiceKind, Payment


def payments_for(user: User) -> QuerySet[Payment]:
    return Payment.objects.filter(user=user).prefetch_related("invoices").order_by("-created_at")


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
