"""The person's earnings payouts: payee settings and payout requests. Payout requests are
accounting records and are KEPT on account deletion; the bank account is erased, the tax
documents deleted, and scheduled payouts stop.

Deletion is refused (409, ``services.check_account_deletable``) while money is still owed to
the person: a bank-transfer payout awaiting an admin (``payout_pending``: it needs the bank
details) or earnings not yet asked for (``earnings_unpaid``: nobody could ask for them
afterwards). The message says what to do and when deletion becomes possible. A pending
Stripe Connect payout does not block: it needs only the connected account's id, which is
kept. Earnings that arrive after the deletion (a lesson delivered just before it, settled
afterwards) stay on the ledger, owed to the anonymised account, for an admin to pay out if
the former member asks (docs/decisions.md)."""

from typing import Any

from django.db import transaction

from accounts.exporting import amount, iso
from accounts.models import User
from core.uploads import private_storage

from .models import PayeeProfile, PayoutRequest, TaxDocument
from .services import check_account_deletable


def export_personal_data(user: User) -> dict[str, Any]:
    payee = PayeeProfile.objects.filter(user=user).first()
    return {
        "payee": None
        if payee is None
        else {
            "tier": payee.tier,
            "stripe_account_id": payee.stripe_account_id,
            "account_holder": payee.account_holder,
            "account_number": payee.account_number,
            "bank_name": payee.bank_name,
            "bank_country": payee.bank_country,
            "bank_details": payee.bank_details,
            "scheduled_payouts": payee.scheduled_payouts,
            "minimum_payout": amount(payee.minimum_payout),
        },
        "payout_requests": [
            {
                "amount": amount(payout.amount),
                "currency": payout.currency,
                "method": payout.method,
                "status": payout.status,
                "reference": payout.reference,
                "requested_at": iso(payout.requested_at),
                "decided_at": iso(payout.decided_at),
            }
            for payout in PayoutRequest.objects.filter(payee=user).order_by("requested_at")
        ],
        "tax_documents": [
            {
                "kind": document.kind,
                "file_name": document.original_name,
                "uploaded_at": iso(document.uploaded_at),
            }
            for document in TaxDocument.objects.filter(payee=user).order_by("uploaded_at")
        ],
    }


def erase_personal_data(user: User) -> None:
    check_account_deletable(user)
    PayeeProfile.objects.filter(user=user).update(
        account_holder="",
        account_number="",
        account_number_index="",
        bank_name="",
        bank_country="",
        bank_details="",
        scheduled_payouts=False,
    )
    documents = TaxDocument.objects.filter(payee=user)
    names = [name for name in documents.values_list("file", flat=True) if name]
    documents.delete()
    if names:
        transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    for name in names:
        private_storage().delete(name)
