"""A person's refund requests, the disputes they are a side of and the evidence they gave
(three queries, however many). Nothing is erased on account deletion: they belong to the
payment records kept for the books; evidence files are served only to the two sides and
finance staff."""

from typing import Any

from django.db.models import Q

from accounts.exporting import iso
from accounts.models import User

from .models import Dispute, Evidence, RefundRequest


def export_personal_data(user: User) -> dict[str, Any]:
    return {
        "refund_requests": [
            {
                "payment": str(request["payment_id"]),
                "reason": request["reason"],
                "details": request["details"],
                "status": request["status"],
                "amount_approved": str(request["amount_approved"] or ""),
                "decision_note": request["decision_note"],
                "created_at": iso(request["created_at"]),
            }
            for request in RefundRequest.objects.filter(user=user)
            .order_by("created_at")
            .values(
                "payment_id",
                "reason",
                "details",
                "status",
                "amount_approved",
                "decision_note",
                "created_at",
            )
        ],
        "disputes": [
            {
                "payment": str(dispute["payment_id"]),
                "source": dispute["source"],
                "status": dispute["status"],
                "outcome": dispute["outcome"],
                "amount_refunded": str(dispute["amount_refunded"]),
                "decision_reason": dispute["decision_reason"],
                "created_at": iso(dispute["created_at"]),
            }
            for dispute in Dispute.objects.filter(Q(learner=user) | Q(counterparty=user))
            .order_by("created_at")
            .values(
                "payment_id",
                "source",
                "status",
                "outcome",
                "amount_refunded",
                "decision_reason",
                "created_at",
            )
        ],
        "evidence_given": [
            {"text": text, "file": bool(file), "created_at": iso(created_at)}
            for text, file, created_at in Evidence.objects.filter(author=user)
            .order_by("created_at")
            .values_list("text", "file", "created_at")
        ],
    }
