"""Earnings of teachers and vendors, the platform's commission on them, and payouts."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from accounts.roles import Role
from credits.models import AMOUNT, MONEY_CURRENCIES, Transfer


class CommissionRule(models.Model):
    """The platform's share of a payee's gross earnings, per role and tier. A payee without a
    rule for their tier pays the role's "standard" tier rate."""

    role = models.CharField(max_length=32, choices=Role.choices)
    tier = models.SlugField(default="standard")
    rate_percent = models.DecimalField(max_digits=5, decimal_places=2)

    panels = [FieldPanel("role"), FieldPanel("tier"), FieldPanel("rate_percent")]

    class Meta:
        ordering = ["role", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["role", "tier"], name="payouts_commission_unique"),
            models.CheckConstraint(
                condition=Q(rate_percent__gte=0) & Q(rate_percent__lte=100),
                name="payouts_commission_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} / {self.tier}: {self.rate_percent}%"


class PayoutMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer (recorded by an admin)")
    STRIPE_CONNECT = "stripe_connect", _("Stripe Connect transfer")


class PayeeProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payee_profile"
    )
    tier = models.SlugField(default="standard")
    stripe_account_id = models.CharField(max_length=100, blank=True)
    bank_details = models.TextField(blank=True)
    scheduled_payouts = models.BooleanField(
        default=False, help_text=_("Request a payout of all earnings at each scheduled run.")
    )
    minimum_payout = models.DecimalField(**AMOUNT, default=Decimal("50"))

    def __str__(self) -> str:
        return f"{self.user} ({self.tier})"


class PayoutStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting approval")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")


class PayoutRequest(models.Model):
    payee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payout_requests"
    )
    amount = models.DecimalField(**AMOUNT)
    currency = models.CharField(max_length=3, choices=MONEY_CURRENCIES)
    method = models.CharField(max_length=20, choices=PayoutMethod.choices)
    status = models.CharField(
        max_length=12, choices=PayoutStatus.choices, default=PayoutStatus.REQUESTED, db_index=True
    )
    scheduled = models.BooleanField(default=False)
    reference = models.CharField(
        max_length=120, blank=True, help_text=_("Bank reference or Stripe transfer id.")
    )
    idempotency_key = models.CharField(max_length=200, unique=True)
    hold = models.OneToOneField(
        Transfer, on_delete=models.PROTECT, related_name="payout_hold", null=True, blank=True
    )
    settlement = models.OneToOneField(
        Transfer, on_delete=models.PROTECT, related_name="payout_settlement", null=True, blank=True
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payouts_amount_positive")
        ]

    def __str__(self) -> str:
        return f"Payout {self.amount} {self.currency} to {self.payee} ({self.status})"
