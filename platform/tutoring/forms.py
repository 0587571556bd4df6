"""Website forms of the marketplace. They only parse and check input; the rules (calendar
conflicts, what may change once seats are taken …) stay in the services, whose errors the
views add to the form."""

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Gig
from .models.teachers import CefrLevel
from .services.group_sessions import MAX_SEATS

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class GroupSessionSearchForm(forms.Form):
    language = forms.CharField(
        label=_("Language taught"),
        required=False,
        max_length=16,
        widget=forms.TextInput(attrs={"placeholder": "es", "size": 6}),
    )
    level = forms.ChoiceField(
        label=_("Your level"), required=False, choices=[("", _("Any")), *CefrLevel.choices]
    )
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class GroupSessionForm(forms.Form):
    """Publishing (with ``gigs``) or editing (without) a session. Times are entered in the
    teacher's zone: the view validates the form with that zone active."""

    gig = forms.ModelChoiceField(label=_("Gig"), queryset=Gig.objects.none())
    topic = forms.CharField(label=_("Topic"), max_length=160)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels")), *CefrLevel.choices],
        help_text=_(
            "Learners searching for a level find a session at that level; one for all levels"
            " is found by learners of every level you teach in this language."
        ),
    )
    start = forms.DateTimeField(
        label=_("Starts at"),
        input_formats=[LOCAL_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )
    minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=10, max_value=480)
    price = forms.DecimalField(
        label=_("Price per seat"), max_digits=12, decimal_places=2, min_value=Decimal("0")
    )
    seats = forms.IntegerField(label=_("Seats"), min_value=1, max_value=MAX_SEATS)

    def __init__(
        self,
        *args: Any,
        gigs: QuerySet[Gig] | None = None,
        locked: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if gigs is None:
            del self.fields["gig"]
        else:
            # The form's copy of the ModelChoiceField declared above (fields are typed Field).
            cast("forms.ModelChoiceField[Gig]", self.fields["gig"]).queryset = gigs
        self.locked = locked
        for name in locked:
            self.fields[name].disabled = True

    @staticmethod
    def initial_of(session: Any, zone: Any) -> dict[str, Any]:
        """A session's values as the form shows them, its start in the teacher's zone."""
        local: datetime = session.start.astimezone(zone).replace(tzinfo=None)
        return {
            "topic": session.topic,
            "description": session.description,
            "level": session.level,
            "start": local,
            "minutes": int((session.end - session.start) / timedelta(minutes=1)),
            "price": session.price,
            "seats": session.seats,
        }


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the learners see it)"), required=False, max_length=500
    )


class TimeRequestForm(forms.Form):
    """Asking a teacher for a time outside their posted hours. ``lesson`` is one of the
    teacher's gigs with one of its lengths ("<gig id>:<minutes>"); the start is entered in
    the learner's zone: the view validates the form with that zone active."""

    lesson = forms.ChoiceField(label=_("Lesson"))
    start = forms.DateTimeField(
        label=_("Date and time"),
        input_formats=[LOCAL_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )
    message = forms.CharField(
        label=_("Message to the teacher"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, gigs: list[Gig], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gigs = {gig.pk: gig for gig in gigs}
        cast("forms.ChoiceField", self.fields["lesson"]).choices = [
            (f"{gig.pk}:{option.minutes}", f"{gig.title} · {option.minutes} min")
            for gig in gigs
            for option in gig.durations.all()
        ]

    def clean_lesson(self) -> tuple[Gig, int]:
        gig_id, minutes = str(self.cleaned_data["lesson"]).split(":")
        return self.gigs[int(gig_id)], int(minutes)
