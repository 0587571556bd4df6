"""Earnings accrue net of commission; payouts hold the amount until an admin pays or rejects."""

import csv
import io
from datetime import datetime
from decimal import Decimal
from typing import Any

import stripe
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from wagtail.log_actions import log

from accounts.models import User
from accounts.roles import Role
from core.uploads import RejectedUpload, checked_type, private_storage, stored_name
from credits import claims
from credits.models import AccountKind, LedgerAccount, Transfer
from credits.selectors import earnings_summary, transactions_for
from credits.services import (
    Leg,
    platform_account,
    post_transfer,
    quantize,
    reverse_transfer,
    user_account,
)
from payments.errors import ProviderError, ProviderUnavailable
from payments.models import to_minor
from payments.providers import stripe_client

from .errors import (
    EarningsUnpaid,
    InvalidTaxDocument,
    NoPayoutMethod,
    PayoutExceedsPayable,
    PayoutNotAllowed,
    PayoutPending,
)
from .models import (
    CommissionRule,
    PayeeProfile,
    PayoutMethod,
    PayoutRequest,
    PayoutStatus,
    TaxDocument,
    account_number_validator,
)

DEFAULT_COMMISSION_PERCENT = Decimal("20")


def check_account_deletable(user: User) -> None:
    """Refuses an account deletion that would leave money owed to the person with no way to
    send it: a bank-transfer payout awaiting an admin (its bank details would be erased), or
    earnings not yet asked for (nobody could ask for them any more). The earnings accounts
    are locked first, as every payout request locks them, so none can start meanwhile."""
    accounts = list(
        LedgerAccount.objects.select_for_update()
        .filter(owner=user, kind=AccountKind.EARNINGS)
        .order_by("pk")
    )
    pending = (
        PayoutRequest.objects.filter(
            payee=user, status=PayoutStatus.REQUESTED, method=PayoutMethod.BANK_TRANSFER
        )
        .order_by("requested_at")
        .first()
    )
    if pending is not None:
        raise PayoutPending(
            f"Your bank-transfer payout of {pending.amount} {pending.currency}, requested on "
            f"{pending.requested_at:%Y-%m-%d}, is still being processed and needs your bank "
            "details. You can delete your account once it has been paid."
        )
    owed = [f"{account.balance} {account.currency}" for account in accounts if account.balance > 0]
    if owed:
        raise EarningsUnpaid(
            f"You have earnings not yet paid out ({', '.join(owed)}). Ask for a payout first; "
            "you can delete your account once it has been paid."
        )


def commission_rate(payee: User, role: Role) -> Decimal:
    profile = PayeeProfile.objects.filter(user=payee).first()
    tier = profile.tier if profile else "standard"
    rules = {rule.tier: rule.rate_percent for rule in CommissionRule.objects.filter(role=role)}
    return rules.get(tier, rules.get("standard", DEFAULT_COMMISSION_PERCENT))


def accrue_earning(
    payee: User,
    *,
    gross: Decimal,
    currency: str,
    role: Role,
    idempotency_key: str,
    memo: str = "",
    source: AccountKind = AccountKind.PROVIDER_CLEARING,
) -> Transfer:
    """Credits a payee's earnings with ``gross`` less the commission for their role and tier
    (the platform keeps the commission). Called by purposes that sell a payee's service,
    e.g. a booking's fulfilment, with the payment id in the key."""
    gross = quantize(gross)
    commission = quantize(gross * commission_rate(payee, role) / 100)
    return post_transfer(
        kind="earning",
        idempotency_key=idempotency_key,
        legs=[
            Leg(platform_account(source, currency), -gross),
            Leg(user_account(payee, AccountKind.EARNINGS, currency), gross - commission),
            Leg(platform_account(AccountKind.COMMISSIONS, currency), commission),
        ],
        memo=memo,
        metadata={"role": role, "commission": str(commission)},
    )


def save_bank_details(payee: User, bank_details: str) -> PayeeProfile:
    """Where a bank-transfer payout goes, as free text (the API's and older forms' shape):
    the admin who pays it reads these details."""
    profile, _ = PayeeProfile.objects.get_or_create(user=payee)
    profile.bank_details = bank_details.strip()
    profile.save(update_fields=["bank_details"])
    return profile


def save_bank_account(
    payee: User,
    *,
    holder: str,
    number: str,
    bank_name: str,
    country: str,
    details: str = "",
) -> PayeeProfile:
    """The bank account a bank-transfer payout goes to (holder, number and details are
    encrypted at rest; the number's blind index is refreshed on save)."""
    profile, _ = PayeeProfile.objects.get_or_create(user=payee)
    profile.account_holder = " ".join(holder.split())
    profile.account_number = " ".join(number.upper().split())
    profile.bank_name = bank_name.strip()
    profile.bank_country = country.strip().upper()
    profile.bank_details = details.strip()
    profile.save(
        update_fields=[
            "account_holder",
            "account_number",
            "bank_name",
            "bank_country",
            "bank_details",
        ]
    )
    return profile


def link_bank_account(
    payee: User, *, holder: str, number: str, bank_name: str = "", country: str = ""
) -> PayeeProfile | None:
    """Makes an account the payee gave elsewhere (a study-abroad partner's application)
    their bank-transfer payout method, unless they already have one: an account they set
    on their payout page is never replaced behind their back (``None`` then). The number is
    checked as the payout form checks it."""
    account_number_validator(number)
    with transaction.atomic():
        profile = PayeeProfile.objects.select_for_update().filter(user=payee).first()
        if profile is not None and profile.has_bank_account:
            return None
        return save_bank_account(
            payee, holder=holder, number=number, bank_name=bank_name, country=country
        )


def remove_bank_account(payee: User) -> None:
    PayeeProfile.objects.filter(user=payee).update(
        account_holder="",
        account_number="",
        account_number_index="",
        bank_name="",
        bank_country="",
        bank_details="",
    )


def reveal_bank_account(profile: PayeeProfile, *, by: User) -> dict[str, str]:
    """The bank account in plain text for a finance admin (``payouts.reveal_bank_details``),
    written to the admin's log first: who looked at whose account, and when."""
    if not by.has_perm("payouts.reveal_bank_details"):
        raise PermissionDenied
    log(instance=profile, action="payouts.reveal_bank_details", user=by)
    return {
        "account_holder": profile.account_holder,
        "account_number": profile.account_number,
        "bank_name": profile.bank_name,
        "bank_country": profile.bank_country,
        "bank_details": profile.bank_details,
    }


MAX_TAX_DOCUMENT_BYTES = 10 * 1024 * 1024
TAX_DOCUMENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})


def upload_tax_document(payee: User, *, kind: str, upload: UploadedFile) -> TaxDocument:
    """Stores a tax form privately after checking its content (not its name) is a PDF,
    JPEG or PNG of at most 10 MB."""
    if upload.size is None or upload.size > MAX_TAX_DOCUMENT_BYTES:
        raise InvalidTaxDocument()
    try:
        content_type = checked_type(upload, TAX_DOCUMENT_TYPES)
    except RejectedUpload as exc:
        raise InvalidTaxDocument() from exc
    document = TaxDocument(
        payee=payee,
        kind=kind,
        content_type=content_type,
        original_name=(upload.name or "")[:200],
    )
    document.file.save(stored_name(content_type), upload, save=False)
    document.save()
    return document


def delete_tax_document(payee: User, document_id: Any) -> None:
    document = TaxDocument.objects.filter(payee=payee, pk=document_id).first()
    if document is None:
        raise Http404("No such document.")
    name = document.file.name
    document.delete()
    if name:
        transaction.on_commit(lambda: private_storage().delete(name))


def request_payout_to_own_account(
    payee: User, *, amount: Decimal, currency: str, idempotency_key: str
) -> PayoutRequest:
    """A payout request from the website's earnings pages (teachers and partners alike): to
    the payee's Stripe account when they have one, else by bank transfer, which needs their
    bank details first (``NoPayoutMethod``)."""
    payee_profile = PayeeProfile.objects.filter(user=payee).first()
    if payee_profile and payee_profile.stripe_account_id:
        method = PayoutMethod.STRIPE_CONNECT
    elif payee_profile and payee_profile.has_bank_account:
        method = PayoutMethod.BANK_TRANSFER
    else:
        raise NoPayoutMethod()
    return request_payout(
        payee, amount=amount, currency=currency, method=method, idempotency_key=idempotency_key
    )


def request_payout(
    payee: User,
    *,
    amount: Decimal,
    currency: str,
    method: str,
    idempotency_key: str,
    scheduled: bool = False,
) -> PayoutRequest:
    """Moves ``amount`` out of the payee's earnings into payouts in transit (so it cannot be
    requested twice) and queues the request for an admin. Under the earnings account's lock,
    what the payee owes in the currency is repaid from the earnings first (a real transfer,
    ``credits.claims``); a request for more than what is left is refused (409) with the
    payable amount in the message, and nothing moves."""
    existing = PayoutRequest.objects.filter(idempotency_key=idempotency_key).first()
    if existing:
        return existing
    if method == PayoutMethod.STRIPE_CONNECT:
        profile = PayeeProfile.objects.filter(user=payee).first()
        if not profile or not profile.stripe_account_id:
            raise ProviderUnavailable("Connect a Stripe account before asking for Stripe payouts.")
    amount = quantize(amount)
    with transaction.atomic():
        account = LedgerAccount.objects.select_for_update().get(
            pk=user_account(payee, AccountKind.EARNINGS, currency).pk
        )
        existing = PayoutRequest.objects.filter(idempotency_key=idempotency_key).first()
        if existing:  # a concurrent call with the same key committed while we waited
            return existing
        owed = claims.outstanding(payee.pk).get(currency, Decimal("0"))
        claims.recover(account, source_key=f"payout:{idempotency_key}")
        account.refresh_from_db(fields=["balance"])
        if amount > account.balance:
            debt = (
                f": you owe {owed} {currency} for refunds made after an earlier payout, "
                "repaid first from your earnings"
                if owed > 0
                else ""
            )
            raise PayoutExceedsPayable(f"You can ask for up to {account.balance} {currency}{debt}.")
        hold = post_transfer(
            kind="payout_hold",
            idempotency_key=f"payout-hold:{idempotency_key}",
            legs=[
                Leg(account, -amount),
                Leg(platform_account(AccountKind.PAYOUTS_IN_TRANSIT, currency), amount),
            ],
            memo="Payout requested",
        )
        return PayoutRequest.objects.create(
            payee=payee,
            amount=amount,
            currency=currency,
            method=method,
            scheduled=scheduled,
            idempotency_key=idempotency_key,
            hold=hold,
        )


def _lock(payout: PayoutRequest) -> PayoutRequest:
    locked = PayoutRequest.objects.select_for_update().get(pk=payout.pk)
    if locked.status != PayoutStatus.REQUESTED:
        raise PayoutNotAllowed("This payout was already decided.")
    return locked


def pay_payout(payout: PayoutRequest, *, by: User, reference: str = "") -> PayoutRequest:
    """Approves a payout: Stripe Connect sends it now; a bank transfer is recorded with the
    reference the admin used. The held amount then leaves through provider clearing."""
    if payout.method == PayoutMethod.STRIPE_CONNECT:
        profile = PayeeProfile.objects.get(user=payout.payee)
        try:
            transfer = stripe_client().v1.transfers.create(
                params={
                    "amount": to_minor(payout.amount),
                    "currency": payout.currency.lower(),
                    "destination": profile.stripe_account_id,
                    "metadata": {"payout_id": str(payout.pk)},
                },
                options={"idempotency_key": f"payout:{payout.pk}"},
            )
        except stripe.StripeError as error:
            raise ProviderError() from error
        reference = transfer.id
    elif not reference:
        raise PayoutNotAllowed("Record the bank transfer's reference.")
    with transaction.atomic():
        payout = _lock(payout)
        payout.settlement = post_transfer(
            kind="payout",
            idempotency_key=f"payout-paid:{payout.pk}",
            legs=[
                Leg(
                    platform_account(AccountKind.PAYOUTS_IN_TRANSIT, payout.currency),
                    -payout.amount,
                ),
                Leg(
                    platform_account(AccountKind.PROVIDER_CLEARING, payout.currency), payout.amount
                ),
            ],
            memo=f"Payout {reference}",
        )
        payout.status = PayoutStatus.PAID
        payout.reference = reference
        payout.decided_by = by
        payout.decided_at = timezone.now()
        payout.save()
    return payout


def reject_payout(payout: PayoutRequest, *, by: User, note: str = "") -> PayoutRequest:
    with transaction.atomic():
        payout = _lock(payout)
        assert payout.hold is not None  # noqa: S101 - every request holds its amount
        reverse_transfer(payout.hold, idempotency_key=f"payout-release:{payout.pk}")
        payout.status = PayoutStatus.REJECTED
        payout.note = note[:255]
        payout.decided_by = by
        payout.decided_at = timezone.now()
        payout.save()
    return payout


def schedule_payouts(now: datetime | None = None) -> int:
    """Requests a payout of everything earned for payees who chose scheduled payouts."""
    period = (now or timezone.now()).strftime("%Y-%m-%d")
    created = 0
    for profile in PayeeProfile.objects.filter(scheduled_payouts=True).select_related("user"):
        method = (
            PayoutMethod.STRIPE_CONNECT if profile.stripe_account_id else PayoutMethod.BANK_TRANSFER
        )
        for row in earnings_summary(profile.user):
            if row["payable"] > 0 and row["payable"] >= profile.minimum_payout:
                request_payout(
                    profile.user,
                    amount=row["payable"],
                    currency=row["currency"],
                    method=method,
                    scheduled=True,
                    idempotency_key=f"scheduled:{profile.user_id}:{row['currency']}:{period}",
                )
                created += 1
    return created


def statement_csv(payee: User, start: datetime | None = None, end: datetime | None = None) -> str:
    """The payee's earnings ledger lines as CSV, for their accounts."""
    entries = (
        transactions_for(payee)
        .filter(account__kind=AccountKind.EARNINGS)
        .order_by("created_at", "id")
    )
    if start:
        entries = entries.filter(created_at__gte=start)
    if end:
        entries = entries.filter(created_at__lt=end)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["date", "kind", "description", "currency", "amount", "balance"])
    for entry in entries:
        writer.writerow(
            [
                entry.created_at.isoformat(),
                entry.transfer.kind,
                entry.transfer.memo,
                entry.currency,
                entry.amount,
                entry.balance_after,
            ]
        )
    return out.getvalue()
