"""Referral codes, attributions at sign-up and their fraud review."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from credits.models import AMOUNT

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are read aloud


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


@register_setting(icon="group")
class ReferralProgramSettings(BaseGenericSetting):
    referrer_reward = models.DecimalField(**AMOUNT, default=Decimal("50"))
    referred_reward = models.DecimalField(**AMOUNT, default=Decimal("50"))
    daily_cap = models.PositiveIntegerField(
        default=10, help_text=_("Sign-ups a day through one code before new ones are flagged.")
    )

    panels = [FieldPanel("referrer_reward"), FieldPanel("referred_reward"), FieldPanel("daily_cap")]

    class Meta:
        verbose_name = _("Referral programme")


class ReferralCode(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_code"
    )
    code = models.CharField(max_length=16, unique=True, default=new_code)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.code


class SignupRecord(models.Model):
    """Where each account was created from, to spot one person behind several accounts."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="signup_record"
    )
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    device_id = models.CharField(max_length=128, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user} from {self.ip}"


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a first purchase")
    REWARDED = "rewarded", _("Rewarded")
    FLAGGED = "flagged", _("Flagged for review")
    REJECTED = "rejected", _("Rejected")


class Referral(models.Model):
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referrals_made"
    )
    referred = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral"
    )
    code = models.CharField(max_length=16)
    status = models.CharField(
        max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.PENDING, db_index=True
    )
    flags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    rewarded_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.referrer} → {self.referred} ({self.status})"
