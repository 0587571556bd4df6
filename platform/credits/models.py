"""The double-entry ledger, AI credits and the configuration admins edit.

Money and credits move only as a ``Transfer``: a set of ``Entry`` rows whose amounts sum to
zero per currency. Entries are never updated or deleted (corrections are new, reversing
transfers). Each ``LedgerAccount`` keeps a cached ``balance`` that is changed only under a
row lock in the same transaction as its entries, so it always equals the sum of its entries;
``credits.services.verify_balances`` checks exactly that.

Credits are a currency of their own (``CRD``) so that the zero-sum rule holds for them too:
credits sold are issued from a platform account, AI use flows them into another.
"""

import uuid
from datetime import datetime
from decimal import Decimal
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel

CREDITS = "CRD"

MONEY_CURRENCIES = [("INR", "Indian rupee"), ("USD", "US dollar"), ("EUR", "Euro")]
LEDGER_CURRENCIES = [*MONEY_CURRENCIES, (CREDITS, "Toto credits")]


class AmountOptions(TypedDict):
    max_digits: int
    decimal_places: int


# Two decimal places hold cents, paise and fractional credit prices alike.
AMOUNT: AmountOptions = {"max_digits": 18, "decimal_places": 2}


class AccountKind(models.TextChoices):
    # Held by a user: never below zero (a check constraint says so too).
    WALLET = "wallet", _("Credit wallet")
    ALLOWANCE = "allowance", _("Free monthly allowance")
    EARNINGS = "earnings", _("Earnings")
    # Held by the platform: sources and sinks facing the outside world, may go negative.
    REVENUE = "revenue", _("Revenue")
    COMMISSIONS = "commissions", _("Commissions")
    PROVIDER_CLEARING = "provider_clearing", _("Payment provider clearing")
    PROMOTIONS = "promotions", _("Promotions")
    CREDITS_ISSUED = "credits_issued", _("Credits sold")
    CREDITS_SPENT = "credits_spent", _("Credits spent on AI")
    PAYOUTS_IN_TRANSIT = "payouts_in_transit", _("Payouts in transit")


USER_ACCOUNT_KINDS = frozenset({AccountKind.WALLET, AccountKind.ALLOWANCE, AccountKind.EARNINGS})


class LedgerAccount(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_accounts",
        help_text=_("Empty for the platform's own accounts."),
    )
    kind = models.CharField(max_length=32, choices=AccountKind.choices)
    currency = models.CharField(max_length=3, choices=LEDGER_CURRENCIES)
    balance = models.DecimalField(**AMOUNT, default=Decimal("0"), editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["kind", "currency"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind", "currency"],
                condition=Q(owner__isnull=False),
                name="credits_account_unique_per_owner",
            ),
            models.UniqueConstraint(
                fields=["kind", "currency"],
                condition=Q(owner__isnull=True),
                name="credits_account_unique_platform",
            ),
            models.CheckConstraint(
                condition=Q(owner__isnull=True) | Q(balance__gte=0),
                name="credits_user_account_never_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    owner__isnull=True,
                    kind__in=[k for k in AccountKind.values if k not in USER_ACCOUNT_KINDS],
                )
                | Q(owner__isnull=False, kind__in=sorted(USER_ACCOUNT_KINDS)),
                name="credits_account_kind_matches_owner",
            ),
        ]

    def __str__(self) -> str:
        holder = self.owner or "Platform"
        return f"{holder} · {self.get_kind_display()} ({self.currency})"


class Transfer(models.Model):
    """One balanced movement: the entries under it sum to zero per currency."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    idempotency_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40, db_index=True)
    memo = models.CharField(max_length=255, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversals"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"


class AppendOnlyError(Exception):
    pass


class Entry(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="entries")
    # Denormalised from the account so that "sums to zero per currency" is one GROUP BY.
    currency = models.CharField(max_length=3, choices=LEDGER_CURRENCIES)
    amount = models.DecimalField(**AMOUNT, help_text=_("Positive adds to the account."))
    balance_after = models.DecimalField(**AMOUNT)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "entries"
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="credits_entry_nonzero"),
        ]
        indexes = [models.Index(fields=["account", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} → {self.account}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Ledger entries are append-only: post a reversing transfer.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Ledger entries are append-only: post a reversing transfer.")


# --- Configuration edited by admins (Wagtail snippets) -------------------------------------


class Interval(models.TextChoices):
    MONTH = "month", _("Monthly")
    YEAR = "year", _("Yearly")


class Plan(ClusterableModel):
    """What a user is entitled to: a free monthly allowance, and for premium plans unlimited
    AI within a fair-use cap. Exactly one active plan is the default (``is_default``) that
    users without a subscription are on."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)
    description = models.TextField(blank=True)
    interval = models.CharField(max_length=8, choices=Interval.choices, default=Interval.MONTH)
    monthly_free_credits = models.DecimalField(**AMOUNT, default=Decimal("0"))
    unlimited_ai = models.BooleanField(
        default=False, help_text=_("AI features cost no credits up to the fair-use cap.")
    )
    fair_use_monthly_credits = models.DecimalField(
        **AMOUNT,
        default=Decimal("0"),
        help_text=_("Credits' worth of AI a month covered by the plan; beyond it, credits pay."),
    )
    is_default = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)
    stripe_product_id = models.CharField(max_length=100, blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("interval"),
        FieldPanel("monthly_free_credits"),
        FieldPanel("unlimited_ai"),
        FieldPanel("fair_use_monthly_credits"),
        FieldPanel("is_default"),
        FieldPanel("active"),
        FieldPanel("sort_order"),
        FieldPanel("stripe_product_id"),
        InlinePanel("prices", label=_("Prices")),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="credits_one_default_plan"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PlanPrice(models.Model):
    plan = ParentalKey(Plan, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(max_length=3, choices=MONEY_CURRENCIES)
    amount = models.DecimalField(**AMOUNT)
    stripe_price_id = models.CharField(
        max_length=100, blank=True, help_text=_("The recurring Stripe Price for this plan.")
    )

    panels = [FieldPanel("currency"), FieldPanel("amount"), FieldPanel("stripe_price_id")]

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "currency"], name="credits_plan_price_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="credits_plan_price_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class CreditPackage(ClusterableModel):
    name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)
    credits = models.DecimalField(**AMOUNT)
    active = models.BooleanField(default=True)
    sort_order = models.PositiveIntegerField(default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("credits"),
        FieldPanel("active"),
        FieldPanel("sort_order"),
        InlinePanel("prices", label=_("Prices")),
    ]

    class Meta:
        ordering = ["sort_order", "credits"]
        constraints = [
            models.CheckConstraint(condition=Q(credits__gt=0), name="credits_package_positive")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.credits} credits)"


class CreditPackagePrice(models.Model):
    package = ParentalKey(CreditPackage, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(max_length=3, choices=MONEY_CURRENCIES)
    amount = models.DecimalField(**AMOUNT)

    panels = [FieldPanel("currency"), FieldPanel("amount")]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["package", "currency"], name="credits_package_price_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="credits_package_price_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


class FeaturePrice(models.Model):
    """What one unit of an AI feature costs in credits (a unit is the feature's own: a
    message, a minute of audio, 1,000 characters …)."""

    feature = models.SlugField(unique=True, help_text=_("The code the feature charges under."))
    label = models.CharField(max_length=120)
    unit = models.CharField(max_length=40, default="request")
    credits_per_unit = models.DecimalField(**AMOUNT)
    active = models.BooleanField(default=True)

    panels = [
        FieldPanel("feature"),
        FieldPanel("label"),
        FieldPanel("unit"),
        FieldPanel("credits_per_unit"),
        FieldPanel("active"),
    ]

    class Meta:
        ordering = ["feature"]
        constraints = [
            models.CheckConstraint(
                condition=Q(credits_per_unit__gte=0), name="credits_feature_price_nonnegative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.credits_per_unit} credits / {self.unit}"


# --- Entitlements and usage -------------------------------------------------------------------


class SubscriptionStatus(models.TextChoices):
    INCOMPLETE = "incomplete", _("Awaiting first payment")
    ACTIVE = "active", _("Active")
    PAST_DUE = "past_due", _("Past due")
    CANCELED = "canceled", _("Canceled")


class Subscription(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(
        max_length=16, choices=SubscriptionStatus.choices, default=SubscriptionStatus.INCOMPLETE
    )
    provider = models.CharField(max_length=20, blank=True)
    provider_subscription_id = models.CharField(max_length=100, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # When it became canceled (final): churn counts by this, not by the row's last change.
    canceled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_subscription_id"],
                condition=~Q(provider_subscription_id=""),
                name="credits_subscription_provider_id_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.plan} ({self.status})"

    def is_current(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.status == SubscriptionStatus.ACTIVE and (
            self.current_period_end is None or self.current_period_end > now
        )


class UsageCharge(models.Model):
    """One AI use, charged once per idempotency key."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="usage_charges"
    )
    feature = models.SlugField()
    units = models.DecimalField(**AMOUNT)
    credits = models.DecimalField(**AMOUNT, help_text=_("The price in credits."))
    covered_by_plan = models.DecimalField(
        **AMOUNT, default=Decimal("0"), help_text=_("Credits' worth the subscription covered.")
    )
    period = models.CharField(max_length=7, help_text=_("YYYY-MM, for allowance and fair use."))
    idempotency_key = models.CharField(max_length=200, unique=True)
    transfer = models.OneToOneField(
        Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="usage_charge"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "period"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.feature} x {self.units}"

    def clean(self) -> None:
        if self.units <= 0:
            raise ValidationError({"units": _("Units must be positive.")})


class CreditAdjustment(models.Model):
    """A finance admin's grant (positive) or deduction (negative) of a user's credits, with
    the reason they gave. The credits move through the ledger (``transfer``); this row is the
    why and the who, and its ``add`` permission is what lets someone adjust credits."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_adjustments"
    )
    credits = models.DecimalField(**AMOUNT, help_text=_("Positive grants, negative deducts."))
    reason = models.CharField(max_length=255)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="credit_adjustments_made",
    )
    transfer = models.OneToOneField(
        Transfer, on_delete=models.PROTECT, related_name="credit_adjustment"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(credits=0), name="credits_adjustment_nonzero"),
            models.CheckConstraint(condition=~Q(reason=""), name="credits_adjustment_has_reason"),
        ]

    def __str__(self) -> str:
        sign = "+" if self.credits > 0 else ""
        return f"{self.user} {sign}{self.credits} credits: {self.reason}"


class LowCreditAlert(models.Model):
    """When a user was last told their credits run low. Another alert waits until credits
    came in after it (a purchase, a grant, the monthly allowance): one alert per dip."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="low_credit_alert"
    )
    alerted_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} alerted {self.alerted_at:%Y-%m-%d %H:%M}"
