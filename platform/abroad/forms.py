"""Website forms: the search filters and the booking form (validated here; the services
decide availability and price)."""

import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.abroad.models import CourseType, Meals, RoomType
from cms.learning.blocks import TARGET_LANGUAGES
from cms.learning.models import Level
from payouts.models import account_number_validator

from . import selectors
from .models import DocumentKind, VendorKind

ANY: list[tuple[Any, Any]] = [("", _("Any"))]
DOCUMENT_HELP = _("PDF, JPEG, PNG or WebP, at most 10 MB.")


class SearchForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Looking for"),
        choices=[("courses", _("Courses")), ("homestays", _("Homestays"))],
        required=False,
    )
    destination = forms.TypedChoiceField(label=_("Destination"), coerce=int, required=False)
    language = forms.ChoiceField(
        label=_("Course language"), choices=ANY + TARGET_LANGUAGES, required=False
    )
    course_type = forms.ChoiceField(
        label=_("Course type"), choices=ANY + list(CourseType.choices), required=False
    )
    level = forms.ChoiceField(
        label=_("Your level"), choices=ANY + list(Level.choices), required=False
    )
    start_date = forms.DateField(
        label=_("Start from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    weeks = forms.IntegerField(label=_("Weeks"), min_value=1, max_value=104, required=False)
    budget = forms.DecimalField(
        label=_("Budget"), min_value=0, max_digits=10, decimal_places=2, required=False
    )
    room_type = forms.ChoiceField(
        label=_("Room"), choices=ANY + list(RoomType.choices), required=False
    )
    meals = forms.ChoiceField(label=_("Meals"), choices=ANY + list(Meals.choices), required=False)
    institute = forms.TypedChoiceField(label=_("Near the school"), coerce=int, required=False)
    check_in = forms.DateField(
        label=_("Check-in"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    check_out = forms.DateField(
        label=_("Check-out"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        choices=[
            ("price", _("Price, low to high")),
            ("-price", _("Price, high to low")),
            ("popularity", _("Popularity")),
            ("rating", _("Rating")),
            ("distance", _("Distance to a school (homestays)")),
            ("title", _("Name")),
        ],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["destination"].choices = ANY + [  # type: ignore[attr-defined]
            (page.pk, page.title) for page in selectors.destinations()
        ]
        self.fields["institute"].choices = ANY + [  # type: ignore[attr-defined]
            (page.pk, page.title) for page in selectors.institutes().prefetch_related(None)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_in, check_out = data.get("check_in"), data.get("check_out")
        if bool(check_in) != bool(check_out):
            self.add_error("check_out", _("Give both dates, or neither."))
        elif check_in and check_out and check_out <= check_in:
            self.add_error("check_out", _("After the check-in date."))
        return data


class BookForm(forms.Form):
    intake = forms.IntegerField(required=False, min_value=1)
    weeks = forms.IntegerField(required=False, min_value=1, max_value=104)
    seats = forms.IntegerField(required=False, min_value=1, max_value=10)
    room = forms.IntegerField(required=False, min_value=1)
    check_in = forms.DateField(required=False)
    check_out = forms.DateField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("intake") and not data.get("room"):
            raise forms.ValidationError(_("Choose a start date, a room, or both."))
        if data.get("room") and not (data.get("check_in") and data.get("check_out")):
            raise forms.ValidationError(_("A stay needs check-in and check-out dates."))
        return data


class VendorApplicationForm(forms.Form):
    """A school or a host applies (the services judge the documents by their content)."""

    kind = forms.ChoiceField(label=_("I am"), choices=VendorKind.choices, widget=forms.RadioSelect)
    organisation = forms.CharField(label=_("School or host name"), max_length=160)
    destination = forms.TypedChoiceField(label=_("City"), coerce=int)
    address = forms.CharField(label=_("Address"), max_length=200)
    phone = forms.CharField(label=_("Phone"), max_length=40)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    about = forms.CharField(
        label=_("About you"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What learners will read first: your school or your home and family."),
    )
    accreditation = forms.CharField(
        label=_("Accreditation (schools)"), max_length=200, required=False
    )
    payout_holder = forms.CharField(
        label=_("Account holder"),
        max_length=140,
        required=False,
        help_text=_("Where your earnings are paid. Only the platform's finance staff see it."),
    )
    payout_details = forms.CharField(
        label=_("IBAN or account number"),
        max_length=34,
        required=False,
        validators=[account_number_validator],
    )
    id = forms.FileField(label=_("Identity document"), help_text=DOCUMENT_HELP)
    licence = forms.FileField(
        label=_("Business licence (schools)"), required=False, help_text=DOCUMENT_HELP
    )
    accreditation_document = forms.FileField(
        label=_("Accreditation certificate"), required=False, help_text=DOCUMENT_HELP
    )
    proof_of_address = forms.FileField(
        label=_("Proof of address (hosts)"), required=False, help_text=DOCUMENT_HELP
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["destination"].choices = [  # type: ignore[attr-defined]
            (page.pk, page.title) for page in selectors.destinations()
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        holder, number = data.get("payout_holder"), data.get("payout_details")
        if number and not holder:
            self.add_error("payout_holder", _("Whose account is it?"))
        if holder and not number and "payout_details" not in self.errors:
            self.add_error("payout_details", _("Enter the account number too, or neither."))
        return data

    def documents(self) -> dict[str, Any]:
        names = {
            "id": DocumentKind.ID,
            "licence": DocumentKind.LICENCE,
            "accreditation_document": DocumentKind.ACCREDITATION,
            "proof_of_address": DocumentKind.PROOF_OF_ADDRESS,
        }
        return {
            str(kind): self.cleaned_data[field]
            for field, kind in names.items()
            if self.cleaned_data.get(field)
        }


class ReviewForm(forms.Form):
    page = forms.IntegerField(widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(
        label=_("Rating"), coerce=int, choices=[(n, str(n)) for n in range(5, 0, -1)]
    )
    text = forms.CharField(label=_("Your review"), max_length=2000, required=False)


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Your reply"), max_length=2000)


class BlockDatesForm(forms.Form):
    """A host takes nights of one of their rooms off the calendar."""

    room = forms.TypedChoiceField(label=_("Room"), coerce=int)
    check_in = forms.DateField(
        label=_("First night"), widget=forms.DateInput(attrs={"type": "date"})
    )
    check_out = forms.DateField(
        label=_("Free again from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note (only you see it)"), max_length=120, required=False)

    def __init__(self, *args: Any, rooms: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [  # type: ignore[attr-defined]
            (room.pk, f"{room.page.title} · {room.name}") for room in rooms
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_in, check_out = data.get("check_in"), data.get("check_out")
        if check_in and check_out and check_out <= check_in:
            self.add_error("check_out", _("After the first night."))
        return data


class PayoutForm(forms.Form):
    """A partner asks for (part of) their available earnings (``payouts.services``)."""

    amount = forms.DecimalField(
        label=_("Amount"), max_digits=18, decimal_places=2, min_value=Decimal("0.01")
    )
    currency = forms.ChoiceField(label=_("Currency"))
    # The form's own key: a double click or a resent form is one payout.
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, currencies: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [(c, c) for c in currencies]  # type: ignore[attr-defined]
