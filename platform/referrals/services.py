"""Referral attribution, fraud checks and rewards.

Policy: a referral is attributed once, at sign-up. Both sides are rewarded in credits after
the referred user's first successful payment, unless a fraud check flagged it: self-referral
is refused outright; a shared sign-up IP or device with the referrer or their other referrals,
a shared payment fingerprint, or more sign-ups a day than the cap are flagged for an admin.
"""

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from credits.services import grant_credits
from payments.models import Payment, PaymentStatus

from .models import Referral, ReferralCode, ReferralProgramSettings, ReferralStatus, SignupRecord


def code_for(user: User) -> ReferralCode:
    code = ReferralCode.objects.filter(user=user).first()
    if code is not None:
        return code
    for _ in range(5):
        try:
            with transaction.atomic():
                return ReferralCode.objects.create(user=user)
        except IntegrityError:
            existing = ReferralCode.objects.filter(user=user).first()
            if existing is not None:
                return existing
    raise RuntimeError("could not allocate a referral code")


def record_signup(user: User, request_meta: dict[str, Any]) -> SignupRecord:
    record, _ = SignupRecord.objects.get_or_create(
        user=user,
        defaults={
            "ip": request_meta.get("ip") or None,
            "device_id": str(request_meta.get("device_id") or "")[:128],
        },
    )
    return record


def attribute_referral(user: User, code: str, request_meta: dict[str, Any]) -> Referral | None:
    """Attributes a new user to the owner of ``code``. ``request_meta`` holds "ip" and
    "device_id" (from the X-Device-Id header the app sends). Returns None when the code is
    unknown, the user was already attributed, or the code is their own."""
    record = record_signup(user, request_meta)
    owner = ReferralCode.objects.filter(code=code.strip().upper()).select_related("user").first()
    if owner is None or owner.user_id == user.pk or Referral.objects.filter(referred=user).exists():
        return None
    referrer = owner.user
    flags: list[str] = []
    if referrer.email.split("@")[0].split("+")[0].lower() == user.email.split("@")[0].split("+")[
        0
    ].lower() and (referrer.email.split("@")[-1].lower() == user.email.split("@")[-1].lower()):
        flags.append("self_referral_alias")
    related_users = [
        referrer.pk,
        *Referral.objects.filter(referrer=referrer).values_list("referred_id", flat=True),
    ]
    related = SignupRecord.objects.filter(user_id__in=related_users).exclude(user=user)
    if record.ip and related.filter(ip=record.ip).exists():
        flags.append("shared_ip")
    if record.device_id and related.filter(device_id=record.device_id).exists():
        flags.append("shared_device")
    cap = ReferralProgramSettings.load().daily_cap
    if (
        Referral.objects.filter(
            referrer=referrer, created_at__gte=timezone.now() - timedelta(days=1)
        ).count()
        >= cap
    ):
        flags.append("velocity")
    try:
        with transaction.atomic():
            return Referral.objects.create(
                referrer=referrer,
                referred=user,
                code=owner.code,
                flags=flags,
                status=ReferralStatus.FLAGGED if flags else ReferralStatus.PENDING,
            )
    except IntegrityError:
        return None


def _reward(referral: Referral) -> None:
    program = ReferralProgramSettings.load()
    grant_credits(
        referral.referrer,
        program.referrer_reward,
        idempotency_key=f"referral:{referral.pk}:referrer",
        kind="referral_reward",
        memo=f"Referral reward: {referral.referred.get_short_name()} joined",
    )
    grant_credits(
        referral.referred,
        program.referred_reward,
        idempotency_key=f"referral:{referral.pk}:referred",
        kind="referral_reward",
        memo="Welcome reward for joining through a friend",
    )
    referral.status = ReferralStatus.REWARDED
    referral.rewarded_at = timezone.now()
    referral.save(update_fields=["status", "rewarded_at"])


def on_payment_succeeded(payment: Payment) -> None:
    """Rewards the referral when this is the referred user's first paid purchase."""
    referral = Referral.objects.select_for_update().filter(referred=payment.user).first()
    if referral is None or referral.status != ReferralStatus.PENDING:
        return
    if (
        Payment.objects.filter(user=payment.user, status=PaymentStatus.SUCCEEDED)
        .exclude(pk=payment.pk)
        .exists()
    ):
        return
    if (
        payment.payment_fingerprint
        and Payment.objects.filter(
            user=referral.referrer, payment_fingerprint=payment.payment_fingerprint
        ).exists()
    ):
        referral.flags = [*referral.flags, "shared_payment_method"]
        referral.status = ReferralStatus.FLAGGED
        referral.save(update_fields=["flags", "status"])
        return
    _reward(referral)


@transaction.atomic
def review_referral(referral: Referral, *, by: User, approve: bool) -> Referral:
    """An admin's decision on a flagged referral. Approving rewards it if the referred user
    has already paid; otherwise it waits for that first payment like any other."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != ReferralStatus.FLAGGED:
        return referral
    referral.reviewed_by = by
    referral.reviewed_at = timezone.now()
    if not approve:
        referral.status = ReferralStatus.REJECTED
        referral.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        return referral
    referral.status = ReferralStatus.PENDING
    referral.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    if Payment.objects.filter(user=referral.referred, status=PaymentStatus.SUCCEEDED).exists():
        _reward(referral)
    return referral
