"""Refund requests and disputes about payments.

A *refund request* is a learner asking for their money back: the refund policy in force
(each payment purpose's ``automatic_refund``) approves it at once or it waits in the
finance admin's queue. A *dispute* is a disagreement with a lifecycle (opened → evidence →
decided): a provider chargeback (Stripe/Razorpay dispute webhooks) or a learner's complaint
about a lesson. Money only ever moves through payments' refund path and the credits ledger.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import private_storage
from credits.models import AMOUNT, Transfer
from payments.models import Payment, Refund


class RefundReason(models.TextChoices):
    NOT_DELIVERED = "not_delivered", _("I did not get what I paid for")
    CANCELLED = "cancelled", _("It was cancelled")
    NOT_AS_DESCRIBED = "not_as_described", _("It was not as described")
    DUPLICATE = "duplicate", _("I was charged twice")
    CHANGED_MIND = "changed_mind", _("I changed my mind")
    OTHER = "other", _("Something else")


class RefundRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class RefundRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="refund_requests"
    )
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refund_requests")
    reason = models.CharField(max_length=20, choices=RefundReason.choices)
    details = models.TextField(blank=True)
    status = models.CharField(
        max_length=10,
        choices=RefundRequestStatus.choices,
        default=RefundRequestStatus.PENDING,
        db_index=True,
    )
    automatic = models.BooleanField(
        default=False, help_text=_("Decided by the refund policy, without a finance admin.")
    )
    amount_approved = models.DecimalField(**AMOUNT, null=True, blank=True)
    refund = models.OneToOneField(
        Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="request"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("decide_refundrequest", "Can decide refund requests and disputes")]
        constraints = [
            models.UniqueConstraint(
                fields=["payment"],
                condition=Q(status="pending"),
                name="disputes_one_open_request_per_payment",
            )
        ]

    def __str__(self) -> str:
        return f"Refund request {self.payment.description} ({self.get_status_display()})"


class DisputeSource(models.TextChoices):
    CHARGEBACK = "chargeback", _("Chargeback at the payment provider")
    COMPLAINT = "complaint", _("Learner's complaint")


class DisputeStatus(models.TextChoices):
    OPENED = "opened", _("Opened")
    EVIDENCE = "evidence", _("Collecting evidence")
    DECIDED = "decided", _("Decided")


class DisputeOutcome(models.TextChoices):
    REFUND = "refund", _("Refund in full")
    PARTIAL_REFUND = "partial_refund", _("Partial refund")
    TEACHER_DEBT = "teacher_debt", _("Refund, charged to the teacher or vendor")
    NO_REFUND = "no_refund", _("No refund")


class Dispute(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="disputes")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disputes_opened"
    )
    counterparty = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes_against",
        help_text=_("The teacher or vendor who was paid, when there is one."),
    )
    source = models.CharField(max_length=12, choices=DisputeSource.choices)
    status = models.CharField(
        max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPENED, db_index=True
    )
    reason = models.TextField(blank=True)
    amount = models.DecimalField(**AMOUNT, help_text=_("The amount disputed."))
    provider_dispute_id = models.CharField(max_length=100, blank=True)
    provider_status = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=16, choices=DisputeOutcome.choices, blank=True)
    amount_refunded = models.DecimalField(**AMOUNT, default=Decimal("0"))
    debt_recovered = models.DecimalField(**AMOUNT, default=Decimal("0"))
    debt_outstanding = models.DecimalField(
        **AMOUNT,
        default=Decimal("0"),
        help_text=_("What the teacher or vendor still owes: more than their earnings held."),
    )
    refund = models.OneToOneField(
        Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="dispute"
    )
    debt_transfer = models.OneToOneField(
        Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider_dispute_id"],
                condition=~Q(provider_dispute_id=""),
                name="disputes_provider_dispute_unique",
            ),
            models.UniqueConstraint(
                fields=["payment"],
                condition=Q(source="complaint") & ~Q(status="decided"),
                name="disputes_one_open_complaint_per_payment",
            ),
        ]

    def __str__(self) -> str:
        return f"Dispute {self.get_source_display()}: {self.payment.description}"

    @property
    def is_open(self) -> bool:
        return self.status != DisputeStatus.DECIDED


def evidence_path(instance: "Evidence", filename: str) -> str:
    return f"disputes/evidence/{timezone.now():%Y/%m}/{filename}"


class Evidence(models.Model):
    """Text and an optional file that one side gives for a refund request or a dispute."""

    refund_request = models.ForeignKey(
        RefundRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    dispute = models.ForeignKey(
        Dispute, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(blank=True)
    file = models.FileField(upload_to=evidence_path, storage=private_storage, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=(Q(refund_request__isnull=False) & Q(dispute__isnull=True))
                | (Q(refund_request__isnull=True) & Q(dispute__isnull=False)),
                name="disputes_evidence_has_one_subject",
            )
        ]

    def __str__(self) -> str:
        return f"Evidence by {self.author_id}"
