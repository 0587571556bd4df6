"""Reads: a person's own refund requests, and the disputes they are a side of."""

from uuid import UUID

from django.db.models import Q, QuerySet

from accounts.models import User

from .models import Dispute, Evidence, RefundRequest


def refund_requests_of(user: User) -> QuerySet[RefundRequest]:
    return (
        RefundRequest.objects.filter(user=user)
        .select_related("payment")
        .prefetch_related("evidence")
        .order_by("-created_at")
    )


def disputes_of(user: User) -> QuerySet[Dispute]:
    """Disputes where ``user`` is the learner or the teacher/vendor who was paid."""
    return (
        Dispute.objects.filter(Q(learner=user) | Q(counterparty=user))
        .select_related("payment")
        .prefetch_related("evidence")
        .order_by("-created_at")
    )


def evidence_of(dispute: Dispute) -> QuerySet[Evidence]:
    """A dispute's evidence, oldest first, with its authors (one query)."""
    return dispute.evidence.select_related("author").order_by("created_at", "pk")


def latest_dispute_of_payment(user: User, payment_id: UUID | str) -> Dispute | None:
    """The newest dispute about ``payment_id`` that ``user`` is a side of, if any."""
    return disputes_of(user).filter(payment_id=payment_id).first()
