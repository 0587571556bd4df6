"""Earnings of teachers and vendors, the platform's commission on them, and payouts."""

import re
import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from accounts.models import country_validator
from accounts.roles import Role
from core.crypto import blind_index, mask
from core.fields import EncryptedTextField
from core.uploads import private_storage
from credits.models import AMOUNT, MONEY_CURRENCIES, Transfer

account_number_validator = RegexValidator(
    r"^[A-Za-z0-9 -]{4,34}$",
    _("Enter the IBAN or account number: letters, digits and spaces."),
)


def normalised_account_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value).upper()


def account_number_digest(value: str) -> str:
    return blind_index(normalised_account_number(value), purpose="payout-account-number")


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
    """Where a payee's money goes. The bank account's holder, number and any extra details
    are encrypted at rest (core.fields); the number also has a blind index so that finance
    can see which payees share one bank account (a fraud signal) without decrypting."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payee_profile"
    )
    tier = models.SlugField(default="standard")
    stripe_account_id = models.CharField(max_length=100, blank=True)
    account_holder = EncryptedTextField(
        _("account holder"), max_length=140, blank=True, single_line=True
    )
    account_number = EncryptedTextField(
        _("IBAN or account number"),
        max_length=34,
        blank=True,
        single_line=True,
        validators=[account_number_validator],
    )
    account_number_index = models.CharField(max_length=32, blank=True, db_index=True)
    bank_name = models.CharField(_("bank"), max_length=140, blank=True)
    bank_country = models.CharField(
        _("bank's country"), max_length=2, blank=True, validators=[country_validator]
    )
    # Anything else the bank transfer needs (BIC/SWIFT, routing or sort code, address).
    bank_details = EncryptedTextField(_("other bank details"), max_length=500, blank=True)
    scheduled_payouts = models.BooleanField(
        default=False, help_text=_("Request a payout of all earnings at each scheduled run.")
    )
    minimum_payout = models.DecimalField(**AMOUNT, default=Decimal("50"))

    class Meta:
        # Everyone else who may see payees sees the bank account masked; each reveal is
        # written to the admin's log (payouts.wagtail_hooks).
        permissions = [("reveal_bank_details", "Can reveal payees' bank details")]

    def __str__(self) -> str:
        return f"{self.user} ({self.tier})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.account_number_index = account_number_digest(self.account_number)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "account_number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "account_number_index"}
        super().save(*args, **kwargs)

    @property
    def has_bank_account(self) -> bool:
        return bool(self.account_number or self.bank_details)

    @admin.display(description=_("Bank account"))
    def masked_account_number(self) -> str:
        return mask(self.account_number) or ("••••" if self.bank_details else "—")

    @admin.display(description=_("Account holder"))
    def masked_account_holder(self) -> str:
        return mask(self.account_holder, visible=0) or "—"


class TaxFormKind(models.TextChoices):
    W9 = "w9", _("W-9 (US persons)")
    W8BEN = "w8ben", _("W-8BEN (non-US individuals)")
    W8BENE = "w8bene", _("W-8BEN-E (non-US entities)")
    VAT = "vat", _("VAT or tax registration certificate")
    OTHER = "other", _("Other tax document")


class TaxDocument(models.Model):
    """A tax form the payout provider or the operator's accountant needs from a payee. Private:
    the payee and finance staff open it through a permission-checked view."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tax_documents"
    )
    kind = models.CharField(_("form"), max_length=12, choices=TaxFormKind.choices)
    file = models.FileField(_("file"), upload_to="tax-documents/", storage=private_storage)
    content_type = models.CharField(max_length=100, editable=False)
    original_name = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.payee}"


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
