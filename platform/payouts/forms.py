"""The website's payout-method forms (teachers and vendors)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import country_validator

from .models import TaxFormKind, account_number_validator


class CountryCodeField(forms.CharField):
    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).upper()


class BankAccountForm(forms.Form):
    """The saved number is never sent back to the browser: the field starts empty, shows
    the masked number as help, and an empty field keeps the saved one."""

    account_holder = forms.CharField(label=_("Account holder"), max_length=140)
    account_number = forms.CharField(
        label=_("IBAN or account number"),
        max_length=34,
        validators=[account_number_validator],
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    bank_name = forms.CharField(label=_("Bank"), max_length=140)
    bank_country = CountryCodeField(
        label=_("Bank's country"),
        min_length=2,
        max_length=2,
        validators=[country_validator],
        help_text=_("Two letters, e.g. ES or IN."),
        widget=forms.TextInput(attrs={"autocomplete": "country", "class": "uppercase"}),
    )
    bank_details = forms.CharField(
        label=_("Other details (optional)"),
        required=False,
        max_length=500,
        help_text=_("BIC/SWIFT, routing or sort code, IFSC, the bank's address."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, masked_number: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if masked_number:
            field = self.fields["account_number"]
            field.required = False
            field.help_text = _("Saved: %(masked)s. Leave empty to keep it.") % {
                "masked": masked_number
            }


class TaxDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Form"), choices=TaxFormKind.choices)
    file = forms.FileField(
        label=_("File (PDF, JPEG or PNG, at most 10 MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
    )
