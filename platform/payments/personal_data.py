"""The person's payments, refunds and invoices: exported; KEPT on account deletion.

Invoices and the payments behind them are accounting records the law requires us to keep
(for years): nothing here is erased. An invoice keeps the name and address it was issued to
(``billed_to`` and the buyer's tax id, as issued), but once the account is anonymised nothing leads from the
account to that name any more. Erasure only stops what would charge the person again: a
Stripe subscription still renewing is cancelled at the end of its paid period, and the
billing details (country, tax id) the account holds for future invoices are deleted."""

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Prefetch

from accounts.exporting import amount, iso
from accounts.models import User
from core import dispatch
from credits.models import Subscription, SubscriptionStatus
from credits.services import stop_renewal

from .models import BillingCustomer, BillingDetails, Invoice, Payment, Provider, Refund


def export_personal_data(user: User) -> dict[str, Any]:
    payments = (
        Payment.objects.filter(user=user)
        .order_by("created_at")
        .prefetch_related(
            Prefetch("refunds", queryset=Refund.objects.order_by("created_at")),
            Prefetch("invoices", queryset=Invoice.objects.order_by("issued_at", "number")),
        )
    )
    return {
        "payments": [
            {
                "id": str(payment.pk),
                "purpose": payment.purpose,
                "description": payment.description,
                "amount": amount(payment.amount),
                "currency": payment.currency,
                "provider": payment.provider,
                "status": payment.status,
                "amount_refunded": amount(payment.amount_refunded),
                "created_at": iso(payment.created_at),
                "succeeded_at": iso(payment.succeeded_at),
                "refunds": [
                    {
                        "amount": amount(refund.amount),
                        "status": refund.status,
                        "reason": refund.reason,
                        "created_at": iso(refund.created_at),
                        # Why the provider failed it, and how a finance admin settled it.
                        "failures": [
                            {"reason": failure.get("reason", ""), "at": failure.get("at", "")}
                            for failure in refund.failures
                        ],
                        "resolved_at": iso(refund.resolved_at),
                        "resolution_note": refund.resolution_note,
                    }
                    for refund in payment.refunds.all()
                ],
                "invoices": [
                    {
                        "number": invoice.number,
                        "kind": invoice.kind,
                        "billed_to": invoice.billed_to,
                        "description": invoice.description,
                        "amount": amount(invoice.amount),
                        "currency": invoice.currency,
                        "issued_at": iso(invoice.issued_at),
                    }
                    for invoice in payment.invoices.all()
                ],
            }
            for payment in payments
        ],
        "billing_customers": [
            {"provider": customer.provider, "customer_id": customer.customer_id}
            for customer in BillingCustomer.objects.filter(user=user).order_by("provider")
        ],
        "billing_details": [
            {"country": details.country, "tax_id": details.tax_id}
            for details in BillingDetails.objects.filter(user=user)
        ],
    }


def erase_personal_data(user: User) -> None:
    # The invoices keep the tax id they were issued with; the account's copy goes.
    BillingDetails.objects.filter(user=user).delete()
    renewing = (
        Subscription.objects.select_for_update()
        .filter(
            user=user,
            cancel_at_period_end=False,
            provider__in=[Provider.STRIPE, Provider.PAYPAL],
            provider_subscription_id__startswith="sub_",
        )
        .exclude(status=SubscriptionStatus.CANCELED)
    )
    rows = list(renewing.values_list("pk", "provider_subscription_id"))
    stop_renewal(pk for pk, _ in rows)
    for _, subscription_id in rows:
        transaction.on_commit(partial(_cancel_at_stripe, subscription_id))


def _cancel_at_stripe(subscription_id: str) -> None:
    dispatch.enqueue("payments.cancel_stripe_subscription", subscription_id, at_period_end=True)
