"""The person's earnings payouts: payee settings and payout requests. Payout requests are
accounting records and are KEPT on account deletion; the bank details are erased and
scheduled payouts stop (earnings still owed are paid out by an admin on request)."""

from typing import Any

from accounts.exporting import amount, iso
from accounts.models import User

from .models import PayeeProfile, PayoutRequest


def export_personal_data(user: User) -> dict[str, Any]:
    payee = PayeeProfile.objects.filter(user=user).first()
    return {
        "payee": None
        if payee is None
        else {
            "tier": payee.tier,
            "stripe_account_id": payee.stripe_account_id,
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
    }


def erase_personal_data(user: User) -> None:
    PayeeProfile.objects.filter(user=user).update(bank_details="", scheduled_payouts=False)
