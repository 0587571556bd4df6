from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tutoring.models.gigs import CURRENCIES
from tutoring.models.teachers import CefrLevel

from .models import MIN_PRICE, Material


def free_or_paid_error(price: Decimal | None) -> str | None:
    """Why ``price`` is not a pack's price (0 for free, or at least MIN_PRICE), if it is not."""
    if price is not None and 0 < price < MIN_PRICE:
        return str(
            _("A paid pack costs at least %(minimum)s; enter 0 to give it away for free.")
            % {"minimum": MIN_PRICE}
        )
    return None


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (PDF, audio or video)"))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas, e.g. verbs, A2")
    )

    def tag_list(self) -> list[str]:
        return [tag for tag in self.cleaned_data.get("tags", "").split(",") if tag.strip()]


class ShareForm(forms.Form):
    learner = forms.UUIDField(widget=forms.HiddenInput)


class PackForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    language = forms.RegexField(
        label=_("Language (code)"), regex=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$", max_length=16
    )
    level = forms.ChoiceField(label=_("Level"), choices=CefrLevel.choices)
    price = forms.DecimalField(
        label=_("Price"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        help_text=_("0 makes the pack free."),
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES)
    materials = forms.ModelMultipleChoiceField(
        label=_("Materials"), queryset=Material.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    preview = forms.ModelChoiceField(
        label=_("Free sample"), queryset=Material.objects.none(), required=False
    )
    publish = forms.BooleanField(label=_("Publish now"), required=False, initial=True)

    def __init__(self, *args: Any, teacher: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = Material.objects.filter(teacher=teacher).order_by("title")
        # The form's copies of the choice fields declared above (fields are typed Field).
        cast("forms.ModelMultipleChoiceField[Material]", self.fields["materials"]).queryset = own
        cast("forms.ModelChoiceField[Material]", self.fields["preview"]).queryset = own

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        preview, materials = data.get("preview"), data.get("materials")
        if preview is not None and materials is not None and preview not in materials:
            self.add_error("preview", _("The free sample must be one of the pack's materials."))
        if error := free_or_paid_error(data.get("price")):
            self.add_error("price", error)
        return data


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Stars"), coerce=int, choices=[(n, f"{n}★") for n in range(5, 0, -1)]
    )
    text = forms.CharField(label=_("Your opinion"), required=False, widget=forms.Textarea)
