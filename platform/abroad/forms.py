"""Website forms: the search filters and the booking form (validated here; the services
decide availability and price)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.abroad.models import Meals, RoomType
from cms.learning.blocks import TARGET_LANGUAGES
from cms.learning.models import Level

from . import selectors

ANY: list[tuple[Any, Any]] = [("", _("Any"))]


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
            ("title", _("Name")),
        ],
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["destination"].choices = ANY + [  # type: ignore[attr-defined]
            (page.pk, page.title) for page in selectors.destinations()
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
