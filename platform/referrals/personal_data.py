"""The person's referral code and referrals. On account deletion the code is deleted (it no
longer brings anyone in) and where the account was created from (IP, device) is erased;
referral rows stay, as the rewards paid for them sit in the ledger."""

from typing import Any

from accounts.exporting import iso
from accounts.models import User

from .models import Referral, ReferralCode, SignupRecord


def export_personal_data(user: User) -> dict[str, Any]:
    code = ReferralCode.objects.filter(user=user).first()
    received = Referral.objects.filter(referred=user).first()
    signup = SignupRecord.objects.filter(user=user).first()
    return {
        "code": code.code if code else None,
        # People the person brought in are other people: how many and how it went, not who.
        "referrals_made": [
            {"status": referral.status, "created_at": iso(referral.created_at)}
            for referral in Referral.objects.filter(referrer=user).order_by("created_at")
        ],
        "referred_with_code": received.code if received else None,
        "signup": None
        if signup is None
        else {"ip": signup.ip, "device_id": signup.device_id, "created_at": iso(signup.created_at)},
    }


def erase_personal_data(user: User) -> None:
    ReferralCode.objects.filter(user=user).delete()
    SignupRecord.objects.filter(user=user).update(ip=None, device_id="")
