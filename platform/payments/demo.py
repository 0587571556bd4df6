"""Demo payments for the demo student: a credits purchase with its invoice and a refunded
one with its credit note. Recorded through the same services the providers' webhooks use,
so the ledger, invoices and the finance dashboard agree. Idempotent."""

from collections.abc import Callable

from django.contrib.auth import get_user_model

from accounts.models import User
from credits.models import CreditPackage

from . import purposes
from .models import Payment, Provider
from .services import mark_succeeded, record_provider_refund


def _paid_credits(user: User, package: str, key: str) -> Payment:
    quote = purposes.get("credits").quote(user, {"package": package}, "USD")
    payment, _ = Payment.objects.get_or_create(
        user=user,
        idempotency_key=key,
        defaults={
            "purpose": "credits",
            "item": quote.item,
            "description": quote.description,
            "amount": quote.amount,
            "currency": quote.currency,
            "provider": Provider.STRIPE,
            "provider_order_id": f"pi_{key.replace(':', '_')}",
        },
    )
    return mark_succeeded(
        payment,
        amount=payment.amount,
        currency=payment.currency,
        provider_payment_id=f"ch_{key.replace(':', '_')}",
    )


def demo_payments() -> str:
    student = get_user_model().objects.filter(email="student@toto.localhost").first()
    if (
        student is None
        or not CreditPackage.objects.filter(slug__in=["starter", "learner"]).exists()
    ):
        return "demo student or credit packages missing: no demo payments"
    _paid_credits(student, "starter", "demo:payment:starter")
    refunded = _paid_credits(student, "learner", "demo:payment:learner")
    record_provider_refund(refunded, provider_refund_id="re_demo_learner", amount=refunded.amount)
    refunded.refresh_from_db()
    return (
        "student@toto.localhost: 2 card payments (one refunded "
        f"{refunded.amount_refunded:f} {refunded.currency}) with invoice and credit note"
    )


DEMO_STEPS: list[Callable[[], str]] = [demo_payments]
