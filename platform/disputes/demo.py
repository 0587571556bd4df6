"""Demo refund request and dispute for the demo student, made through the services a
learner's request and Stripe's dispute webhook use (so the finance admin's queues, the
notifications and the learner's pages agree): a refund request waiting for a finance
admin, and an open chargeback with the learner's account of it. Idempotent."""

from collections.abc import Callable
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from credits.models import CreditPackage
from payments import purposes
from payments.models import Payment, Provider
from payments.services import mark_succeeded
from payments.webhooks import ProviderDispute

from .models import Dispute, RefundReason, RefundRequest
from .services import add_dispute_evidence, record_provider_dispute, request_refund

STUDENT = "student@toto.localhost"
REFUND_PAYMENT_KEY = "demo:payment:refund-request"
DISPUTED_PAYMENT_KEY = "demo:payment:starter"  # payments' demo purchase
DISPUTE_ID = "dp_demo_starter"


def _student() -> User | None:
    return get_user_model().objects.filter(email=STUDENT).first()


def _paid_long_ago(user: User) -> Payment:
    """The "learner" package bought three months ago: outside the cooling-off period in
    which the refund policy refunds unspent credits by itself."""
    quote = purposes.get("credits").quote(user, {"package": "learner"}, "USD")
    payment, created = Payment.objects.get_or_create(
        user=user,
        idempotency_key=REFUND_PAYMENT_KEY,
        defaults={
            "purpose": "credits",
            "item": quote.item,
            "description": quote.description,
            "amount": quote.amount,
            "currency": quote.currency,
            "provider": Provider.STRIPE,
            "provider_order_id": "pi_demo_refund_request",
        },
    )
    payment = mark_succeeded(
        payment,
        amount=payment.amount,
        currency=payment.currency,
        provider_payment_id="ch_demo_refund_request",
    )
    if created:  # the demo's own row: dated back to when it was "bought"
        then = timezone.now() - timedelta(days=90)
        Payment.objects.filter(pk=payment.pk).update(created_at=then, succeeded_at=then)
        payment.refresh_from_db()
    return payment


@transaction.atomic
def demo_refund_request() -> str:
    student = _student()
    if student is None or not CreditPackage.objects.filter(slug="learner").exists():
        return "demo student or credit packages missing: no demo refund request"
    payment = _paid_long_ago(student)
    if RefundRequest.objects.filter(payment=payment).exists():
        return "refund requests: already there"
    if purposes.get(payment.purpose).automatic_refund(payment) > 0:
        # An operator's refund policy would refund it at once (through Stripe): no demo.
        return "refund requests: the refund policy would refund it at once, none made"
    request = request_refund(
        student,
        payment_id=payment.pk,
        reason=RefundReason.NOT_AS_DESCRIBED,
        details="The pronunciation feedback I paid credits for never loaded on my phone.",
    )
    return f"{STUDENT}: 1 refund request ({request.get_status_display()})"


@transaction.atomic
def demo_dispute() -> str:
    student = _student()
    payment = (
        Payment.objects.filter(user=student, idempotency_key=DISPUTED_PAYMENT_KEY).first()
        if student is not None
        else None
    )
    if student is None or payment is None:
        return "demo payment missing: no demo dispute"
    if Dispute.objects.filter(provider_dispute_id=DISPUTE_ID).exists():
        return "disputes: already there"
    dispute = record_provider_dispute(
        payment,
        ProviderDispute(
            provider="stripe",
            dispute_id=DISPUTE_ID,
            amount=payment.amount,
            currency=payment.currency,
            status="needs_response",
            reason="product_not_received",
            closed=False,
        ),
    )
    add_dispute_evidence(
        student,
        dispute.pk,
        text="My bank flagged this charge; the credits showed up a day late.",
    )
    return f"{STUDENT}: 1 open chargeback ({DISPUTE_ID})"


DEMO_STEPS: list[Callable[[], str]] = [demo_refund_request, demo_dispute]
