"""Forms of the finance screens in the Wagtail admin, and the buyer's billing details."""

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BillingDetails, Payment


class RefundForm(forms.Form):
    """A full or partial refund of one payment. The nonce is minted when the form is shown,
    so submitting the same form twice (double click, browser retry) refunds once."""

    amount = forms.DecimalField(
        label=_("Amount to refund"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=18,
        decimal_places=2,
        help_text=_("Leave empty to refund everything not yet refunded."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=255)
    nonce = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args: Any, payment: Payment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.payment = payment
        self.fields["amount"].widget.attrs.update(
            {"max": str(payment.refundable), "step": "0.01", "placeholder": str(payment.refundable)}
        )
        self.fields["amount"].help_text = _(
            "Up to %(amount)s %(currency)s. Leave empty to refund all of it."
        ) % {"amount": payment.refundable, "currency": payment.currency}

    def clean_amount(self) -> Decimal | None:
        amount: Decimal | None = self.cleaned_data.get("amount")
        if amount is not None and amount > self.payment.refundable:
            raise forms.ValidationError(
                _("At most %(amount)s can still be refunded.") % {"amount": self.payment.refundable}
            )
        return amount


class ResolveRefundForm(forms.Form):
    """Closes a refund needing attention: how the customer got their money back."""

    note = forms.CharField(
        label=_("How was it resolved?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            'E.g. "refunded by bank transfer on 2026-11-20, reference SEPA-123". Kept with '
            "the refund and in the audit log."
        ),
    )


class CreditAdjustmentForm(forms.Form):
    """A finance admin grants or deducts credits with a reason the learner will read. The
    nonce makes a double submit adjust once."""

    GRANT, DEDUCT = "grant", "deduct"

    email = forms.EmailField(label=_("Learner's email address"))
    direction = forms.ChoiceField(
        label=_("Adjustment"),
        choices=[(GRANT, _("Grant credits")), (DEDUCT, _("Deduct credits"))],
        widget=forms.RadioSelect,
        initial=GRANT,
    )
    credits = forms.DecimalField(
        label=_("Credits"), min_value=Decimal("0.01"), max_digits=18, decimal_places=2
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("Shown to the learner in their wallet, and kept in the audit log."),
    )
    nonce = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def clean_email(self) -> Any:
        from accounts.models import User

        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(_("No account has this email address."))
        self.user = user
        return email

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why: the learner sees the reason."))
        return reason

    def signed_credits(self) -> Decimal:
        credits: Decimal = self.cleaned_data["credits"]
        return -credits if self.cleaned_data["direction"] == self.DEDUCT else credits


class TaxReportForm(forms.Form):
    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To (inclusive)", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("The period ends before it starts.")
        return data


class BillingDetailsForm(forms.ModelForm):
    """The buyer's billing country and VAT/GST number (website, ``/wallet/billing/``); the
    model's validators check them, ``services.save_billing_details`` stores them."""

    class Meta:
        model = BillingDetails
        fields = ["country", "tax_id"]
        widgets = {
            "country": forms.TextInput(attrs={"autocomplete": "country", "size": 2}),
            "tax_id": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {"country": _("Use the two-letter country code, e.g. ES."), "tax_id": ""}
