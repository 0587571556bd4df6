"""Refunds: sending them, retrying what providers failed, recording what they report, and
resolving by hand what needs a finance admin."""

import logging
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import razorpay
import stripe
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from stripe.params import RefundCreateParams

from accounts.models import User
from core import activity
from core.api.errors import ServiceError
from credits.models import Transfer
from credits.services import post_transfer

from .. import purposes
from ..conf import refund_retry_delays, setting
from ..errors import (
    RefundNotAllowed,
    RefundNotResolvable,
    ResolutionNoteRequired,
)
from ..invoices import issue_credit_note
from ..ledger import clearing_to_revenue
from ..models import (
    OPEN_REFUND_STATUSES,
    Payment,
    PaymentStatus,
    Provider,
    Refund,
    RefundStatus,
    to_minor,
)
from ..notifications import REFUND_ATTENTION
from ..providers import razorpay_client, stripe_client

logger = logging.getLogger(__name__)


def refund_payment(
    payment: Payment,
    *,
    amount: Decimal | None = None,
    reason: str = "",
    by: User | None = None,
    idempotency_key: str,
) -> Refund:
    """Refunds all of what is left (or ``amount``) at the provider, then reverses the ledger
    through the payment's purpose and issues a credit note.

    If the provider cannot be reached or fails (5xx, 429, timeout) the refund is returned
    as ``retrying`` and the retry sweep sends it again later; if the provider refuses it
    (4xx) it is returned as ``attention`` and finance admins are told. Either way the held
    money stays where it is until the provider confirms."""
    existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        locked = Payment.objects.select_for_update().get(pk=payment.pk)
        open_amount = sum(
            (r.amount for r in locked.refunds.filter(status__in=OPEN_REFUND_STATUSES)),
            Decimal("0"),
        )
        amount = locked.refundable - open_amount if amount is None else amount
        if (
            locked.status != PaymentStatus.SUCCEEDED
            or amount <= 0
            or amount > locked.refundable - open_amount
        ):
            raise RefundNotAllowed()
        refund = Refund.objects.create(
            payment=locked,
            amount=amount,
            reason=reason,
            requested_by=by,
            idempotency_key=idempotency_key,
            attempts=1,
            next_retry_at=timezone.now() + _send_lease(),
        )
    return _send_refund(locked, refund)


def _send_lease() -> timedelta:
    return timedelta(seconds=int(setting("REFUND_SEND_LEASE_SECONDS")))


PROVIDER_ERRORS: tuple[type[BaseException], ...] = (
    stripe.StripeError,
    razorpay.errors.BadRequestError,
    razorpay.errors.GatewayError,
    razorpay.errors.ServerError,
    OSError,
    ServiceError,
)


def is_retryable(error: BaseException) -> bool:
    """A failure that may go away by itself: the provider unreachable or timing out, a 5xx,
    a 429. A provider's answer about the request itself (4xx: already refunded, invalid
    request, authentication) is definitive: sending it again changes nothing."""
    if isinstance(error, stripe.StripeError):
        if isinstance(error, (stripe.APIConnectionError, stripe.RateLimitError)):
            return True
        status = error.http_status
        return status is None or status >= 500 or status == 429
    if isinstance(error, (razorpay.errors.ServerError, razorpay.errors.GatewayError)):
        return True  # the SDK raises ServerError for every non-4xx error code
    if isinstance(error, razorpay.errors.BadRequestError):
        return False
    return isinstance(error, OSError)  # connection refused, timeouts (requests' errors too)


def _send_refund(payment: Payment, refund: Refund) -> Refund:
    """One send of a refund this process has claimed (status pending, lease taken)."""
    try:
        provider_refund_id, done = _refund_at_provider(payment, refund)
    except PROVIDER_ERRORS as error:
        logger.warning("refund %s at %s failed: %r", refund.pk, payment.provider, error)
        return _refund_attempt_failed(refund, error)
    claimed = Refund.objects.filter(pk=refund.pk, status=RefundStatus.PENDING).update(
        provider_refund_id=provider_refund_id, next_retry_at=None
    )
    refund.refresh_from_db()
    # Not pending any more: a webhook settled it meanwhile (succeeded, or failed at the
    # provider already: then this answer's "done" is stale and must not book it).
    if done and claimed:
        refund = complete_refund(refund)
    return refund


def _refund_attempt_failed(refund: Refund, error: BaseException) -> Refund:
    retryable = is_retryable(error)
    delays = refund_retry_delays()
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("payment")
            .get(pk=refund.pk)
        )
        if refund.status != RefundStatus.PENDING or refund.provider_refund_id:
            return refund  # a webhook settled it meanwhile
        detail = getattr(error, "user_message", None) or str(error) or type(error).__name__
        refund.last_error = f"{type(error).__name__}: {detail}"[:255]
        if retryable and refund.attempts <= len(delays):
            refund.status = RefundStatus.RETRYING
            refund.next_retry_at = timezone.now() + timedelta(seconds=delays[refund.attempts - 1])
        else:
            refund.status = RefundStatus.ATTENTION
            refund.next_retry_at = None
            if not retryable:
                # Nothing was refunded: an admin's retry may use a new key (a provider replays
                # a stored refusal for the same key).
                refund.provider_key = f"refund:{refund.pk}:{refund.attempts}"
            why = (
                f"the provider still failed after {refund.attempts} attempts"
                if retryable
                else "the provider refused it"
            )
            _notify_finance_admins(
                refund,
                f"It was not sent: {why} ({refund.last_error}). Retry it from the finance admin.",
            )
        refund.save(update_fields=["status", "last_error", "next_retry_at", "provider_key"])
    return refund


def _notify_finance_admins(refund: Refund, body: str) -> None:
    """Every finance admin (``payments.add_refund``, superusers included) is told, in the
    app and by email, with a link to "Refunds needing attention". Runs in the caller's
    transaction: nothing is sent if it rolls back."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q
    from django.urls import reverse

    from notifications.services import notify

    permission = Permission.objects.get(content_type__app_label="payments", codename="add_refund")
    admins = User.objects.filter(
        Q(is_superuser=True) | Q(groups__permissions=permission) | Q(user_permissions=permission),
        is_active=True,
    ).distinct()
    for admin in admins:
        notify(
            admin,
            REFUND_ATTENTION,
            f"Refund of {refund.amount} {refund.payment.currency} needs attention",
            body,
            {"refund": str(refund.pk), "payment": str(refund.payment_id)},
            url=reverse("finance_refund_attention:index"),
        )


def retry_refund(
    refund_id: str, *, force: bool = False, now: datetime | None = None
) -> Refund | None:
    """Sends a refund again if it is due (``force``: an admin's "retry now", for refunds
    retrying or needing attention). The claim happens under a row lock that other workers
    skip, and moves the refund back to pending with a lease, so two runs never send the same
    refund at once. Returns None when another worker holds it."""
    now = now or timezone.now()
    with transaction.atomic():
        refund = (
            Refund.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("payment")
            .filter(pk=refund_id)
            .first()
        )
        if refund is None:
            return None
        stalled = (
            refund.status == RefundStatus.PENDING
            and not refund.provider_refund_id
            and refund.next_retry_at is not None
        )
        due = (
            (refund.status == RefundStatus.RETRYING or stalled)
            and refund.next_retry_at is not None
            and refund.next_retry_at <= now
        )
        if not (due or (force and refund.can_retry_now)):
            return refund
        refund.status = RefundStatus.PENDING
        refund.attempts += 1
        refund.next_retry_at = now + _send_lease()
        refund.save(update_fields=["status", "attempts", "next_retry_at"])
    payment = refund.payment
    try:
        found = _refund_found_at_provider(payment, refund)
    except PROVIDER_ERRORS as error:
        return _refund_attempt_failed(refund, error)
    if found is not None:
        provider_refund_id, done = found
        Refund.objects.filter(pk=refund.pk).update(
            provider_refund_id=provider_refund_id, next_retry_at=None
        )
        refund.refresh_from_db()
        return complete_refund(refund) if done else refund
    return _send_refund(payment, refund)


def retry_due_refunds(now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """The retry sweep (Celery beat, every minute): sends again every refund whose retry is
    due, and takes over sends whose worker never reported back."""
    now = now or timezone.now()
    due = list(
        Refund.objects.filter(
            Q(status=RefundStatus.RETRYING) | Q(status=RefundStatus.PENDING, provider_refund_id=""),
            next_retry_at__lte=now,
        )
        .order_by("next_retry_at")
        .values_list("pk", flat=True)[:limit]
    )
    counts = {"due": len(due), "succeeded": 0, "retrying": 0, "attention": 0, "skipped": 0}
    for refund_id in due:
        refund = retry_refund(str(refund_id), now=now)
        if refund is None:
            counts["skipped"] += 1
        elif refund.status == RefundStatus.SUCCEEDED:
            counts["succeeded"] += 1
        elif refund.status == RefundStatus.RETRYING:
            counts["retrying"] += 1
        elif refund.status == RefundStatus.ATTENTION:
            counts["attention"] += 1
    return counts


def _refund_found_at_provider(payment: Payment, refund: Refund) -> tuple[str, bool] | None:
    """Razorpay takes no idempotency key for refunds: before sending one again, look for it
    by the refund id we put in its notes (a send that timed out may have gone through).
    Stripe needs no look-up: the same Idempotency-Key answers with the refund it made."""
    if payment.provider != Provider.RAZORPAY:
        return None
    listing = razorpay_client().payment.fetch_multiple_refund(payment.provider_payment_id)
    failed = refund.failed_provider_refund_ids
    for remote in listing.get("items", []):
        if remote.get("status") == "failed" or remote["id"] in failed:
            continue  # an earlier send that Razorpay failed: this retry makes a new one
        if (remote.get("notes") or {}).get("refund_id") == str(refund.pk):
            return remote["id"], remote.get("status") == "processed"
    return None


def _refund_at_provider(payment: Payment, refund: Refund) -> tuple[str, bool]:
    if payment.provider in (Provider.STRIPE, Provider.PAYPAL):
        params: RefundCreateParams = {
            "amount": to_minor(refund.amount),
            "metadata": {"refund_id": str(refund.pk), "payment_id": str(payment.pk)},
        }
        if payment.provider_order_id.startswith("pi_"):
            params["payment_intent"] = payment.provider_order_id
        elif payment.provider_order_id.startswith("in_"):
            params["payment_intent"] = _stripe_invoice_payment_intent(payment.provider_order_id)
        else:
            params["charge"] = payment.provider_payment_id
        result = stripe_client().v1.refunds.create(
            params=params, options={"idempotency_key": refund.idempotency_key_at_provider}
        )
        return result.id, result.status == "succeeded"
    if payment.provider == Provider.RAZORPAY:
        result = razorpay_client().payment.refund(
            payment.provider_payment_id,
            {"amount": to_minor(refund.amount), "notes": {"refund_id": str(refund.pk)}},
        )
        return result["id"], result.get("status") == "processed"
    if payment.provider == Provider.DEMO:
        return f"demo_re_{refund.pk.hex}", True  # no money moved, so none to send back
    # Bank transfers are refunded by hand: the admin who records it has sent the money.
    return "", True


def _stripe_invoice_payment_intent(invoice_id: str) -> str:
    """The PaymentIntent that paid a Stripe Billing invoice (invoices no longer carry it
    themselves: their payments are listed under /v1/invoice_payments)."""
    listing = stripe_client().v1.invoice_payments.list(
        params={"invoice": invoice_id, "status": "paid"}
    )
    for invoice_payment in listing.data:
        if invoice_payment.payment.type == "payment_intent":
            return str(invoice_payment.payment.payment_intent)
    raise RefundNotAllowed("Stripe reports no paid PaymentIntent for this invoice.")


def complete_refund(refund: Refund) -> Refund:
    """Books a refund the provider confirmed (or a finance admin made another way): the
    purpose reverses the ledger and a credit note is issued. A refund booked before whose
    money the provider then failed to return (``record_refund_failure``) only pays its
    cash out again: the rest of its booking never stopped standing."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status == RefundStatus.SUCCEEDED:
            return refund
        payment.amount_refunded += refund.amount
        payment.save(update_fields=["amount_refunded", "updated_at"])
        if refund.transfer_id is None:
            refund.transfer = purposes.get(payment.purpose).reverse(payment, refund)
        else:
            _refund_cash(payment, refund, paid_out=True)
        refund.status = RefundStatus.SUCCEEDED
        refund.completed_at = timezone.now()
        refund.next_retry_at = None
        refund.save()
        issue_credit_note(refund)
        activity.record(
            payment.user_id,
            "payments.refunded",
            obj=refund,
            data={
                "payment_id": str(payment.pk),
                "amount_minor": to_minor(refund.amount),
                "currency": payment.currency,
            },
        )
    return refund


def _refund_cash(payment: Payment, refund: Refund, *, paid_out: bool) -> Transfer:
    """The cash leg of a booked refund on its own: out to the provider (``paid_out``) or
    back from it when the provider failed the refund after accepting it. The money owed to
    the customer is held in revenue meanwhile, where the refund's booking took it from;
    keyed by the refund and its failure count, so each step posts once."""
    sign = 1 if paid_out else -1
    step = "paid" if paid_out else "failed"
    return post_transfer(
        kind=f"refund_{step}",
        idempotency_key=f"refund-{step}:{refund.pk}:{len(refund.failures)}",
        legs=clearing_to_revenue(payment.currency, -sign * refund.amount),
        memo=(
            f"Refund of {payment.description} paid out again"
            if paid_out
            else f"Refund of {payment.description} failed at the provider: money back"
        ),
        metadata={"payment": str(payment.pk), "refund": str(refund.pk)},
        reverses=None if paid_out else refund.transfer,
    )


def _find_refund(payment: Payment, provider_refund_id: str, refund_id: str) -> Refund | None:
    """Our refund for a provider's: by its id, by our id in its metadata or notes (anyone
    can type metadata in the provider's dashboard: not an id of ours is ignored), or as one
    of its failed sends."""
    try:
        ours = uuid.UUID(refund_id) if refund_id else None
    except ValueError:
        ours = None
    return (
        Refund.objects.filter(payment=payment, provider_refund_id=provider_refund_id).first()
        or (Refund.objects.filter(pk=ours, payment=payment).first() if ours else None)
        or _refund_that_failed_as(payment, provider_refund_id)
    )


def _refund_that_failed_as(payment: Payment, provider_refund_id: str) -> Refund | None:
    # A payment has a handful of refunds: looked through here rather than with a JSON
    # containment lookup, which SQLite (the development database) does not support.
    for refund in Refund.objects.filter(payment=payment).order_by("created_at"):
        if provider_refund_id in refund.failed_provider_refund_ids:
            return refund
    return None


def record_provider_refund(
    payment: Payment, *, provider_refund_id: str, amount: Decimal, refund_id: str = ""
) -> Refund | None:
    """A refund the provider reports (ours confirmed, or one made in its dashboard)."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        refund = _find_refund(payment, provider_refund_id, refund_id)
        if refund is not None and provider_refund_id in refund.failed_provider_refund_ids:
            # A success event overtaken by the failure of the same provider refund: a
            # failure is final at both providers.
            logger.info("refund %s already failed at the provider: ignored", provider_refund_id)
            return refund
        if refund is None:
            if payment.status != PaymentStatus.SUCCEEDED or amount > payment.refundable:
                logger.error(
                    "refund %s of payment %s cannot be applied", provider_refund_id, payment.pk
                )
                return None
            refund = Refund.objects.create(
                payment=payment,
                amount=amount,
                reason="Refunded at the provider",
                provider_refund_id=provider_refund_id,
                idempotency_key=f"{payment.provider}:{provider_refund_id}",
            )
        elif not refund.provider_refund_id:
            refund.provider_refund_id = provider_refund_id
            refund.save(update_fields=["provider_refund_id"])
        return complete_refund(refund)


def record_refund_failure(
    payment: Payment, *, provider_refund_id: str, reason: str, refund_id: str = ""
) -> Refund | None:
    """A refund the provider accepted and then failed (Stripe's ``refund.failed``, a
    refund ``failed`` or ``canceled`` on ``refund.updated``; Razorpay's ``refund.failed``):
    the customer did not get the money. The refund goes back to "needs a finance admin",
    with the provider's reason; if it was booked, only its cash comes back in the ledger
    (the customer is still owed it: credits taken back, earnings reversed and the credit
    note stand), and finance admins are told. The learner is told nothing: payments never
    told them "refunded" either. Once per provider refund, in whatever order the events
    come."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        found = _find_refund(payment, provider_refund_id, refund_id)
        if found is None:
            logger.warning(
                "refund %s of payment %s failed at the provider but is not ours",
                provider_refund_id,
                payment.pk,
            )
            return None
        refund = Refund.objects.select_for_update().get(pk=found.pk)
        if provider_refund_id in refund.failed_provider_refund_ids:
            return refund  # this failure was recorded already
        failure: dict[str, Any] = {
            "provider_refund_id": provider_refund_id,
            "reason": reason[:200],
            "at": timezone.now().isoformat(),
            "reversal": "",
        }
        if refund.provider_refund_id and refund.provider_refund_id != provider_refund_id:
            # An older send, superseded by the one the refund now waits for: noted only.
            refund.failures = [*refund.failures, failure]
            refund.save(update_fields=["failures"])
            return refund
        booked = refund.status == RefundStatus.SUCCEEDED
        if booked:
            failure["reversal"] = str(_refund_cash(payment, refund, paid_out=False).pk)
            payment.amount_refunded -= refund.amount
            payment.save(update_fields=["amount_refunded", "updated_at"])
        refund.failures = [*refund.failures, failure]
        refund.status = RefundStatus.ATTENTION
        refund.provider_refund_id = ""
        refund.next_retry_at = None
        refund.completed_at = None
        refund.last_error = (
            f"{payment.get_provider_display()} failed the refund after accepting it: {reason}"
        )[:255]
        # A retry must make a new refund at the provider, not replay the failed one.
        refund.provider_key = f"refund:{refund.pk}:failed:{len(refund.failures)}"
        refund.save(
            update_fields=[
                "failures",
                "status",
                "provider_refund_id",
                "next_retry_at",
                "completed_at",
                "last_error",
                "provider_key",
            ]
        )
        _notify_finance_admins(
            refund,
            f"{payment.get_provider_display()} accepted it, then reported it failed ({reason}). "
            "The customer has not got the money back"
            + (" and the ledger has taken the refunded cash back" if booked else "")
            + ". Retry it, or mark it resolved once refunded another way, from the finance "
            "admin.",
        )
    return refund


def resolve_refund(refund: Refund, *, by: User, note: str) -> Refund:
    """A finance admin closes a refund needing attention: the customer got the money back
    another way (a bank transfer, the provider's dashboard …), said in ``note``. The refund
    is booked as made (or its cash paid out again, if it had been booked and then failed),
    and who, when and the note are kept on it and in Wagtail's audit log."""
    from wagtail.log_actions import log

    note = note.strip()
    if not note:
        raise ResolutionNoteRequired()
    with transaction.atomic():
        Payment.objects.select_for_update().get(pk=refund.payment_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if not refund.can_resolve:
            raise RefundNotResolvable()
        refund.resolved_by = by
        refund.resolved_at = timezone.now()
        refund.resolution_note = note
        refund.save(update_fields=["resolved_by", "resolved_at", "resolution_note"])
        refund = complete_refund(refund)
        log(
            instance=refund,
            action="payments.resolve_refund",
            user=by,
            data={"note": note, "amount": str(refund.amount)},
        )
    return refund
