"""Provider-neutral payments.

A ``Payment`` is one order for something (a purpose and its item) at an amount the server
computed, paid through one provider. Its status only moves forward: a late "failed" event
never undoes a success, and what a provider reports is checked against what we asked for
before anything is fulfilled.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credits.models import AMOUNT, MONEY_CURRENCIES, Transfer

from .countries import validate_country_code


class Provider(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    PAYPAL = "paypal", _("PayPal (through Stripe)")
    RAZORPAY = "razorpay", "Razorpay"
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    # Development and demos only: production settings refuse to turn it on.
    DEMO = "demo", _("Demo (test cards, no real money)")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELED = "canceled", _("Canceled")
    EXPIRED = "expired", _("Expired")
    MISMATCH = "mismatch", _("Amount mismatch: needs review")


class Payment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments"
    )
    purpose = models.CharField(max_length=40)
    item = models.JSONField(default=dict, help_text=_("What is bought, as the purpose saw it."))
    description = models.CharField(max_length=255)
    amount = models.DecimalField(**AMOUNT)
    currency = models.CharField(max_length=3, choices=MONEY_CURRENCIES)
    provider = models.CharField(max_length=20, choices=Provider.choices)
    status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING, db_index=True
    )
    provider_order_id = models.CharField(
        max_length=100, blank=True, help_text=_("PaymentIntent, Razorpay order or invoice id.")
    )
    provider_payment_id = models.CharField(max_length=100, blank=True)
    payment_fingerprint = models.CharField(max_length=100, blank=True)
    client_data = models.JSONField(default=dict, blank=True, editable=False)
    amount_refunded = models.DecimalField(**AMOUNT, default=Decimal("0"))
    failure_reason = models.CharField(max_length=255, blank=True)
    idempotency_key = models.CharField(max_length=200, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The admin who confirmed a bank transfer."),
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Tax as computed at checkout and frozen here: later rate changes never touch a payment.
    # ``amount`` is what was charged, tax included either way.
    tax_rate = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0"), help_text=_("Percent.")
    )
    tax_amount = models.DecimalField(**AMOUNT, default=Decimal("0"))
    tax_name = models.CharField(max_length=40, blank=True)
    tax_country = models.CharField(max_length=2, blank=True)
    tax_inclusive = models.BooleanField(
        default=True, help_text=_("The catalogue price included the tax (else it was added).")
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_order_id"],
                condition=~Q(provider_order_id=""),
                name="payments_provider_order_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="payments_user_idempotency_unique",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_refunded__gte=0) & Q(amount_refunded__lte=F("amount")),
                name="payments_refund_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} · {self.amount} {self.currency} ({self.status})"

    @property
    def refundable(self) -> Decimal:
        return self.amount - self.amount_refunded

    @property
    def net_amount(self) -> Decimal:
        return self.amount - self.tax_amount

    @property
    def minor_amount(self) -> int:
        return to_minor(self.amount)


def to_minor(amount: Decimal) -> int:
    """INR, USD and EUR all have two decimal places at Stripe and Razorpay."""
    return int((amount * 100).to_integral_value())


def from_minor(amount: int) -> Decimal:
    return (Decimal(amount) / 100).quantize(Decimal("0.01"))


class WebhookEvent(models.Model):
    """Each provider event is handled once: its id is unique per provider."""

    provider = models.CharField(max_length=20, choices=Provider.choices)
    event_id = models.CharField(max_length=100)
    event_type = models.CharField(max_length=80)
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "event_id"], name="payments_webhook_event_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.event_id}"


class RefundStatus(models.TextChoices):
    PENDING = "pending", _("Pending at the provider")
    RETRYING = "retrying", _("Provider failed: retry scheduled")
    ATTENTION = "attention", _("Needs a finance admin")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


# Refunds whose amount is spoken for: sent, being retried or waiting for an admin. A new
# refund of the same payment may only take what these leave.
OPEN_REFUND_STATUSES = (RefundStatus.PENDING, RefundStatus.RETRYING, RefundStatus.ATTENTION)


class Refund(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.DecimalField(**AMOUNT)
    reason = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=12, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    provider_refund_id = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transfer = models.OneToOneField(
        Transfer, null=True, blank=True, on_delete=models.PROTECT, related_name="refund"
    )
    credits_clawed_back = models.DecimalField(**AMOUNT, default=Decimal("0"))
    credits_unrecovered = models.DecimalField(
        **AMOUNT, default=Decimal("0"), help_text=_("Credits already spent when refunded.")
    )
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text=_("How many times the refund was sent to the provider.")
    )
    last_error = models.CharField(max_length=255, blank=True)
    next_retry_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text=_(
            "When the refund is sent again. While it is being sent: when a stalled send is "
            "taken over."
        ),
    )
    provider_key = models.CharField(
        max_length=100,
        blank=True,
        editable=False,
        help_text=_("The idempotency key sent to the provider (empty: refund:<id>)."),
    )
    failures = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text=_(
            "Refunds the provider accepted and then reported failed: provider_refund_id, "
            "reason, at, and the ledger transfer that took the money back (if it was booked)."
        ),
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The finance admin who marked it resolved (refunded another way)."),
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["payment", "provider_refund_id"],
                condition=~Q(provider_refund_id=""),
                name="payments_provider_refund_unique",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_positive"),
        ]

    def __str__(self) -> str:
        return f"Refund {self.amount} {self.payment.currency} of {self.payment_id}"

    @property
    def idempotency_key_at_provider(self) -> str:
        return self.provider_key or f"refund:{self.pk}"

    @property
    def can_retry_now(self) -> bool:
        return self.status in (RefundStatus.RETRYING, RefundStatus.ATTENTION)

    @property
    def can_resolve(self) -> bool:
        """Only a refund waiting for an admin: one still retried automatically is left to
        the sweep (it may be at the provider right now)."""
        return self.status == RefundStatus.ATTENTION

    @property
    def failed_provider_refund_ids(self) -> set[str]:
        return {str(failure.get("provider_refund_id", "")) for failure in self.failures}


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceSeries(models.Model):
    """A numbering series ("INV-2026"). Its row is locked while a number is taken, in the
    transaction that records the payment, so numbers are gap-free and never reused."""

    prefix = models.CharField(max_length=20, unique=True)
    next_number = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "invoice series"

    def __str__(self) -> str:
        return self.prefix


class Invoice(models.Model):
    number = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=12, choices=InvoiceKind.choices)
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="invoices")
    refund = models.OneToOneField(
        Refund, null=True, blank=True, on_delete=models.PROTECT, related_name="credit_note"
    )
    billed_to = models.TextField()
    description = models.CharField(max_length=255)
    amount = models.DecimalField(**AMOUNT, help_text=_("The total, tax included."))
    currency = models.CharField(max_length=3, choices=MONEY_CURRENCIES)
    net_amount = models.DecimalField(**AMOUNT, default=Decimal("0"))
    tax_amount = models.DecimalField(**AMOUNT, default=Decimal("0"))
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    tax_name = models.CharField(max_length=40, blank=True)
    seller_tax_id = models.CharField(max_length=40, blank=True)
    buyer_tax_id = models.CharField(max_length=40, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["payment"],
                condition=Q(kind="invoice"),
                name="payments_one_invoice_per_payment",
            )
        ]

    def __str__(self) -> str:
        return self.number


class BillingCustomer(models.Model):
    """The provider's customer object for a user (Stripe Billing needs one)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="billing_customers"
    )
    provider = models.CharField(max_length=20, choices=Provider.choices)
    customer_id = models.CharField(max_length=100)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "provider"], name="payments_customer_unique")
        ]

    def __str__(self) -> str:
        return self.customer_id


tax_id_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9 ./-]{1,39}$",
    _("Enter the VAT or GST number: letters, digits, spaces, dots, dashes."),
)


class BillingDetails(models.Model):
    """What a buyer gives for their invoices, whichever provider they pay with: the billing
    country (which tax rate applies) and their VAT or GST number. Entered on the website
    (``/wallet/billing/``) or the API through ``services.save_billing_details``; the next
    invoice carries them (issued invoices keep what they were issued with)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="billing_details"
    )
    country = models.CharField(
        _("billing country"),
        max_length=2,
        blank=True,
        validators=[validate_country_code],
        help_text=_("The buyer's billing country, for the tax rate."),
    )
    tax_id = models.CharField(
        _("VAT or GST number"),
        max_length=40,
        blank=True,
        validators=[tax_id_validator],
        help_text=_("The buyer's VAT or GST number, for invoices."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "billing details"

    def __str__(self) -> str:
        return f"{self.country} {self.tax_id}".strip()


class TaxProduct(models.TextChoices):
    CREDITS = "credits", _("Credits")
    SUBSCRIPTION = "subscription", _("Subscription")
    LESSON = "lesson", _("Lesson")
    PACK = "pack", _("Material pack")
    ABROAD = "abroad", _("Study abroad")


class TaxRate(models.Model):
    """A tax rate per buyer country and product type (admin-editable snippet, menu
    Pricing). A country without a rate, or a product without one, is charged no tax."""

    country = models.CharField(
        max_length=2, help_text=_("Two-letter country code of the buyer, e.g. DE or IN.")
    )
    product = models.CharField(max_length=20, choices=TaxProduct.choices)
    name = models.CharField(max_length=40, default="VAT", help_text=_("VAT, GST, sales tax …"))
    rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        help_text=_("Percent, e.g. 19.00."),
    )

    class Meta:
        ordering = ["country", "product"]
        constraints = [
            models.UniqueConstraint(fields=["country", "product"], name="payments_tax_rate_unique"),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lt=100), name="payments_tax_rate_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.get_product_display()}: {self.name} {self.rate}%"
