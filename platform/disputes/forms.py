from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RefundReason


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[object]:
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class RefundRequestForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why do you want a refund?"), choices=RefundReason.choices)
    details = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=4000,
    )
    evidence = MultipleFileField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_("Screenshots, receipts or messages: PDF, JPEG, PNG, WebP or text."),
    )


class EvidenceForm(forms.Form):
    text = forms.CharField(
        label=_("Your account"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    evidence = MultipleFileField(label=_("Files (optional)"), required=False)


class ReportProblemForm(forms.Form):
    reason = forms.CharField(
        label=_("What went wrong?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("The teacher or provider reads this and can answer before our team decides."),
    )
    evidence = MultipleFileField(
        label=_("Files (optional)"),
        required=False,
        help_text=_("Screenshots, receipts or messages: PDF, JPEG, PNG, WebP or text."),
    )
