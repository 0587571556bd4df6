"""Writes on refund requests and disputes.

Money moves only through payments' refund path (``refund_payment``: the provider, then the
purpose's ledger reversal and a credit note; ``record_provider_refund`` for what a lost
chargeback already took) and, for a teacher's or vendor's debt, one ledger transfer from
their earnings. Provider calls are made outside database transactions and keyed by the
request or dispute, so a decision that is sent twice refunds once.
"""

import logging
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from accounts.models import User
from core.api.errors import ServiceError
from core.uploads import RejectedUpload, checked_type, stored_name
from credits.models import AccountKind, LedgerAccount
from credits.services import (
    Leg,
    platform_account,
    post_transfer,
    repay_oldest_first,
    user_account,
)
from payments import purposes
from payments.models import Payment, PaymentStatus
from payments.services import record_provider_refund, refund_payment
from payments.webhooks import ProviderDispute

from . import notify
from .errors import (
    AlreadyDecided,
    DecisionReasonRequired,
    EvidenceRejected,
    InvalidAmount,
    NotAParty,
    NothingToRefund,
    PaymentNotFound,
    RefundAlreadyRequested,
)
from .models import (
    Dispute,
    DisputeOutcome,
    DisputeSource,
    DisputeStatus,
    Evidence,
    RefundReason,
    RefundRequest,
    RefundRequestStatus,
)

logger = logging.getLogger(__name__)

EVIDENCE_TYPES = frozenset(
    {"application/pdf", "image/jpeg", "image/png", "image/webp", "text/plain"}
)
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
CENT = Decimal("0.01")


def _evidence_file(upload: UploadedFile) -> tuple[UploadedFile, str]:
    if upload.size is not None and upload.size > EVIDENCE_MAX_BYTES:
        raise EvidenceRejected()
    try:
        mime = checked_type(upload, EVIDENCE_TYPES)
    except RejectedUpload as error:
        raise EvidenceRejected() from error
    return upload, stored_name(mime)


def _add_evidence(
    *,
    author: User,
    text: str,
    files: Sequence[UploadedFile],
    refund_request: RefundRequest | None = None,
    dispute: Dispute | None = None,
) -> None:
    checked = [_evidence_file(upload) for upload in files]
    if text.strip() and not checked:
        Evidence.objects.create(
            author=author, text=text.strip(), refund_request=refund_request, dispute=dispute
        )
    for index, (upload, name) in enumerate(checked):
        evidence = Evidence(
            author=author,
            text=text.strip() if index == 0 else "",
            refund_request=refund_request,
            dispute=dispute,
        )
        evidence.file.save(name, upload, save=False)
        evidence.save()


def _finance_admins() -> list[User]:
    permission = Permission.objects.get(
        content_type__app_label="disputes", codename="decide_refundrequest"
    )
    return list(
        User.objects.filter(
            Q(is_superuser=True)
            | Q(groups__permissions=permission)
            | Q(user_permissions=permission),
            is_active=True,
        ).distinct()
    )


def _counterparty(payment: Payment) -> User | None:
    return purposes.get(payment.purpose).counterparty(payment)


# --- Refund requests ---------------------------------------------------------------------------


def request_refund(
    user: User,
    *,
    payment_id: Any,
    reason: str,
    details: str = "",
    files: Sequence[UploadedFile] = (),
) -> RefundRequest:
    """Files a refund request for one of ``user``'s payments. The refund policy in force
    (the payment purpose's ``automatic_refund``) approves it at once and the refund is made
    through payments; otherwise it waits for a finance admin, who is told."""
    payment = Payment.objects.filter(pk=payment_id, user=user).first()
    if payment is None:
        raise PaymentNotFound()
    if payment.status != PaymentStatus.SUCCEEDED or payment.refundable <= 0:
        raise NothingToRefund()
    if reason not in RefundReason.values:
        raise InvalidAmount()  # the serializer validates first: not reached from the API
    try:
        with transaction.atomic():
            request = RefundRequest.objects.create(
                user=user, payment=payment, reason=reason, details=details.strip()
            )
            _add_evidence(author=user, text="", files=files, refund_request=request)
    except IntegrityError:
        raise RefundAlreadyRequested() from None
    automatic = purposes.get(payment.purpose).automatic_refund(payment)
    if automatic > 0:
        try:
            return _approve(
                request, amount=automatic, by=None, note=_("Refunded under the refund policy.")
            )
        except ServiceError:
            # Another refund of this payment is on its way (e.g. the lesson's own): the
            # request waits for a finance admin rather than failing after it was filed.
            logger.info("refund request %s left for review", request.pk, exc_info=True)
    with transaction.atomic():
        for admin in _finance_admins():
            notify.tell(
                admin,
                notify.REQUEST_FILED_FOR_FINANCE,
                text=f"{request.get_reason_display()}: {request.details}"[:500],
                data={"refund_request": str(request.pk), "payment": str(payment.pk)},
                url_args=[request.pk],
                what=payment.description,
            )
        counterparty = _counterparty(payment)
        if counterparty is not None:
            notify.tell(
                counterparty,
                notify.REQUEST_FILED_FOR_COUNTERPARTY,
                text=str(request.get_reason_display()),
                data={"refund_request": str(request.pk)},
                what=payment.description,
            )
    return request


def _approve(
    request: RefundRequest, *, amount: Decimal, by: User | None, note: str
) -> RefundRequest:
    refund = refund_payment(
        request.payment,
        amount=amount,
        reason=f"Refund request: {request.get_reason_display()}",
        by=by,
        idempotency_key=f"refund-request:{request.pk}",
    )
    with transaction.atomic():
        request = RefundRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RefundRequestStatus.PENDING:
            return request
        purposes.get(request.payment.purpose).refund_granted(request.payment, amount=amount)
        request.status = RefundRequestStatus.APPROVED
        request.automatic = by is None
        request.amount_approved = amount
        request.refund = refund
        request.decided_by = by
        request.decided_at = timezone.now()
        request.decision_note = note
        request.save()
        _tell_about_request(request)
        if by is not None:
            log(
                instance=request,
                action="disputes.approve_refund_request",
                user=by,
                data={"amount": str(amount), "note": note},
            )
    return request


def _tell_about_request(request: RefundRequest) -> None:
    payment = request.payment
    approved = request.status == RefundRequestStatus.APPROVED
    wording = notify.REQUEST_APPROVED if approved else notify.REQUEST_DECLINED
    data = {"refund_request": str(request.pk), "status": request.status}
    told: dict[str, Any] = {"amount": request.amount_approved, "currency": payment.currency}
    notify.tell(request.user, wording, text=request.decision_note, data=data, **told)
    counterparty = _counterparty(payment)
    if counterparty is not None:
        notify.tell(
            counterparty, wording, text=request.decision_note, data=data, link=False, **told
        )


def decide_refund_request(
    request_id: Any, *, by: User, approve: bool, amount: Decimal | None = None, note: str = ""
) -> RefundRequest:
    """A finance admin approves (all that is left, or ``amount``) or declines (``note``
    required) a waiting refund request; both sides are told and the decision is in the
    audit log."""
    note = note.strip()
    request = RefundRequest.objects.select_related("payment").get(pk=request_id)
    if request.status != RefundRequestStatus.PENDING:
        raise AlreadyDecided()
    if not approve:
        if not note:
            raise DecisionReasonRequired()
        with transaction.atomic():
            request = RefundRequest.objects.select_for_update().get(pk=request.pk)
            if request.status != RefundRequestStatus.PENDING:
                raise AlreadyDecided()
            request.status = RefundRequestStatus.DECLINED
            request.decided_by = by
            request.decided_at = timezone.now()
            request.decision_note = note
            request.save()
            _tell_about_request(request)
            log(
                instance=request,
                action="disputes.decline_refund_request",
                user=by,
                data={"note": note},
            )
        return request
    refundable = request.payment.refundable
    amount = refundable if amount is None else amount.quantize(CENT)
    if amount <= 0 or amount > refundable:
        raise InvalidAmount()
    return _approve(request, amount=amount, by=by, note=note or _("Approved by our finance team."))


# --- Disputes ----------------------------------------------------------------------------------


def _tell_about_dispute(dispute: Dispute, wording: notify.Wording, **fields: Any) -> None:
    data = {"dispute": str(dispute.pk), "status": dispute.status, "outcome": dispute.outcome}
    for person in (dispute.learner, dispute.counterparty):
        if person is not None:
            notify.tell(person, wording, data=data, url_args=[dispute.pk], **fields)


def open_complaint(payment: Payment, *, by: User, reason: str) -> Dispute:
    """A learner's complaint about what they paid for (a lesson) opens a dispute; both sides
    may then give evidence. One open complaint per payment."""
    with transaction.atomic():
        existing = (
            Dispute.objects.filter(payment=payment, source=DisputeSource.COMPLAINT)
            .exclude(status=DisputeStatus.DECIDED)
            .first()
        )
        if existing is not None:
            return existing
        dispute = Dispute.objects.create(
            payment=payment,
            learner=payment.user,
            counterparty=_counterparty(payment),
            source=DisputeSource.COMPLAINT,
            reason=reason,
            amount=payment.refundable,
        )
        if reason.strip():
            Evidence.objects.create(dispute=dispute, author=by, text=reason.strip())
        _tell_about_dispute(dispute, notify.DISPUTE_OPENED, what=payment.description)
    return dispute


def report_problem(
    user: User,
    *,
    payment_id: Any,
    reason: str,
    files: Sequence[UploadedFile] = (),
) -> Dispute:
    """The learner's "Report a problem" about one of their payments (a lesson, a seat, a
    package, a stay): opens a complaint, or adds to the one already open, with their account
    and files. The purpose holds what would otherwise settle meanwhile (a lesson waiting for
    confirmation); the teacher or vendor is told and both sides answer on the dispute's page
    until a finance admin decides."""
    payment = Payment.objects.filter(pk=payment_id, user=user).first()
    if payment is None:
        raise PaymentNotFound()
    if payment.status != PaymentStatus.SUCCEEDED or payment.refundable <= 0:
        raise NothingToRefund()
    reason = reason.strip()
    if not reason:
        raise DecisionReasonRequired(_("Say what went wrong."))
    with transaction.atomic():  # a rejected file rolls the whole report back
        existing = (
            Dispute.objects.select_for_update()
            .filter(payment=payment, source=DisputeSource.COMPLAINT)
            .exclude(status=DisputeStatus.DECIDED)
            .first()
        )
        purposes.get(payment.purpose).complaint_opened(payment)
        if existing is None:
            dispute = open_complaint(payment, by=user, reason=reason)
            text = ""
        else:
            dispute, text = existing, reason
        if text or files:
            _add_evidence(author=user, text=text, files=files, dispute=dispute)
    return dispute


# The provider statuses that wait for our evidence.
EVIDENCE_STATUSES = frozenset(
    {"needs_response", "warning_needs_response", "under_review", "open", "action_required"}
)


def record_provider_dispute(payment: Payment, dispute: ProviderDispute) -> Dispute:
    """Opens or updates the dispute for a provider chargeback (called from payments' webhook,
    inside the transaction that records the event once)."""
    found = (
        Dispute.objects.select_for_update().filter(provider_dispute_id=dispute.dispute_id).first()
    )
    if found is None:
        found = Dispute.objects.create(
            payment=payment,
            learner=payment.user,
            counterparty=_counterparty(payment),
            source=DisputeSource.CHARGEBACK,
            reason=dispute.reason,
            amount=min(dispute.amount, payment.amount),
            provider_dispute_id=dispute.dispute_id,
            provider_status=dispute.status,
        )
        _tell_about_dispute(
            found,
            notify.CHARGEBACK_OPENED,
            what=payment.description,
            reason=dispute.reason or "-",
        )
        for admin in _finance_admins():
            notify.tell(
                admin,
                notify.CHARGEBACK_FOR_FINANCE,
                text=f"{dispute.amount} {dispute.currency}, {dispute.reason}",
                data={"dispute": str(found.pk)},
                url_args=[found.pk],
                id=dispute.dispute_id,
                what=payment.description,
            )
    found.provider_status = dispute.status
    if found.status == DisputeStatus.OPENED and dispute.status in EVIDENCE_STATUSES:
        found.status = DisputeStatus.EVIDENCE
    found.save(update_fields=["provider_status", "status", "updated_at"])
    return found


def dispute_of(user: User, dispute_id: Any) -> Dispute:
    dispute = (
        Dispute.objects.filter(pk=dispute_id).filter(Q(learner=user) | Q(counterparty=user)).first()
    )
    if dispute is None:
        raise NotAParty()
    return dispute


def add_dispute_evidence(
    user: User, dispute_id: Any, *, text: str, files: Sequence[UploadedFile] = ()
) -> Dispute:
    """Either side answers an open dispute with text and files."""
    dispute = dispute_of(user, dispute_id)
    if not dispute.is_open:
        raise AlreadyDecided()
    if not text.strip() and not files:
        raise DecisionReasonRequired(_("Write what happened or attach a file."))
    with transaction.atomic():
        _add_evidence(author=user, text=text, files=files, dispute=dispute)
        Dispute.objects.filter(pk=dispute.pk, status=DisputeStatus.OPENED).update(
            status=DisputeStatus.EVIDENCE, updated_at=timezone.now()
        )
        other = dispute.counterparty if user.pk == dispute.learner_id else dispute.learner
        if other is not None:
            notify.tell(
                other,
                notify.NEW_EVIDENCE,
                data={"dispute": str(dispute.pk), "status": dispute.status},
                url_args=[dispute.pk],
                what=dispute.payment.description,
            )
    dispute.refresh_from_db()
    return dispute


def decide_dispute(
    dispute_id: Any,
    *,
    by: User,
    outcome: str,
    reason: str,
    amount: Decimal | None = None,
) -> Dispute:
    """Decides a dispute and moves the money:

    - refund / partial refund: a complaint is refunded through the provider; a chargeback's
      money already went back through the card holder's bank, so it is booked as a refund
      the provider made (ledger reversal and credit note, no second payout);
    - teacher debt: refunded as above, and what the teacher or vendor had already been paid
      of it is taken back from their earnings (as far as they hold it; the rest is recorded
      as outstanding);
    - no refund: nothing moves.

    The payment's purpose then releases what it held (a disputed lesson's teacher is paid
    the rest). Both sides are told, the decision is in the audit log."""
    reason = reason.strip()
    if not reason:
        raise DecisionReasonRequired()
    if outcome not in DisputeOutcome.values:
        raise InvalidAmount(_("Choose an outcome."))
    dispute = Dispute.objects.select_related("payment").get(pk=dispute_id)
    if not dispute.is_open:
        raise AlreadyDecided()
    payment = dispute.payment
    if outcome == DisputeOutcome.NO_REFUND:
        refunded = Decimal("0")
    elif outcome == DisputeOutcome.PARTIAL_REFUND:
        if amount is None:
            raise InvalidAmount()
        refunded = amount.quantize(CENT)
    else:
        refunded = min(dispute.amount, payment.refundable)
    if outcome != DisputeOutcome.NO_REFUND and (refunded <= 0 or refunded > payment.refundable):
        raise InvalidAmount()
    refund = None
    if refunded > 0:
        if dispute.source == DisputeSource.CHARGEBACK:
            refund = record_provider_refund(
                payment,
                provider_refund_id=f"dispute:{dispute.provider_dispute_id}",
                amount=refunded,
            )
        else:
            refund = refund_payment(
                payment,
                amount=refunded,
                reason=f"Dispute: {reason}"[:255],
                by=by,
                idempotency_key=f"dispute:{dispute.pk}:refund",
            )
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
        if not dispute.is_open:
            return dispute
        paid_out = purposes.get(payment.purpose).settle_dispute(payment, refunded=refunded)
        if outcome == DisputeOutcome.TEACHER_DEBT and dispute.counterparty is not None:
            _recover_debt(dispute, paid_out)
        dispute.status = DisputeStatus.DECIDED
        dispute.outcome = outcome
        dispute.amount_refunded = refunded
        dispute.refund = refund
        dispute.decision_reason = reason
        dispute.decided_by = by
        dispute.decided_at = timezone.now()
        dispute.save()
        _tell_about_dispute(
            dispute, notify.DISPUTE_DECIDED, text=reason, outcome=dispute.get_outcome_display()
        )
        log(
            instance=dispute,
            action="disputes.decide_dispute",
            user=by,
            data={"outcome": outcome, "refunded": str(refunded), "reason": reason},
        )
    return dispute


def _recover_debt(dispute: Dispute, owed: Decimal) -> None:
    """Takes ``owed`` back from the counterparty's earnings into revenue, as far as their
    balance goes (earnings never go below zero); the rest stays on the dispute as debt,
    which ``recover_debts`` (a ``credits.claims`` claim) repays from their later earnings."""
    assert dispute.counterparty is not None  # noqa: S101 - checked by the caller
    if owed <= 0:
        return
    currency = dispute.payment.currency
    earnings = user_account(dispute.counterparty, AccountKind.EARNINGS, currency)
    earnings = LedgerAccount.objects.select_for_update().get(pk=earnings.pk)
    recovered = min(owed, earnings.balance)
    if recovered > 0:
        dispute.debt_transfer = post_transfer(
            kind="dispute_debt",
            idempotency_key=f"dispute:{dispute.pk}:debt",
            legs=[
                Leg(earnings, -recovered),
                Leg(platform_account(AccountKind.REVENUE, currency), recovered),
            ],
            memo=f"Dispute about {dispute.payment.description}: refunded at the teacher's cost",
            metadata={"dispute": str(dispute.pk), "payment": str(dispute.payment_id)},
        )
    dispute.debt_recovered = recovered
    dispute.debt_outstanding = owed - recovered


# --- Teacher debt as a claim on later earnings (credits.claims) -------------------------------


def outstanding_debts(owner_id: Any) -> dict[str, Decimal]:
    """What the teacher or vendor still owes for disputes decided at their cost, per
    currency (one query)."""
    rows = (
        Dispute.objects.filter(counterparty_id=owner_id, debt_outstanding__gt=0)
        .values("payment__currency")
        .annotate(total=Sum("debt_outstanding"))
        .order_by()
    )
    return {row["payment__currency"]: row["total"] for row in rows}


def recover_debts(account: LedgerAccount, idempotency_key: str) -> Decimal:
    """Repays the owner's dispute debts in the earnings ``account``'s currency from it,
    oldest decision first, as far as it holds: one transfer from earnings to the platform's
    revenue account (which bore the refund). Returns the amount repaid.

    Registered as a ``credits.claims.Claim``: the ledger runs it in the transaction of every
    transfer that credits earnings, and payouts before holding a payout. One query when
    nothing is owed; otherwise the earnings account is locked before the disputes, as
    everywhere."""
    owing = list(
        Dispute.objects.filter(
            counterparty_id=account.owner_id,
            payment__currency=account.currency,
            debt_outstanding__gt=0,
        ).values_list("pk", flat=True)
    )
    if not owing:
        return Decimal("0")
    account = LedgerAccount.objects.select_for_update().get(pk=account.pk)
    disputes = list(
        Dispute.objects.select_for_update()
        .filter(pk__in=owing, debt_outstanding__gt=0)
        .order_by("decided_at", "pk")
    )

    def settle(dispute: Dispute, part: Decimal) -> None:
        dispute.debt_recovered += part
        dispute.debt_outstanding -= part
        dispute.save(update_fields=["debt_recovered", "debt_outstanding", "updated_at"])

    return repay_oldest_first(
        account,
        idempotency_key,
        disputes,
        owed=lambda dispute: dispute.debt_outstanding,
        settle=settle,
        kind="dispute_debt_recovery",
        memo="Repayment of disputes decided at your cost",
        metadata_key="disputes",
    )
