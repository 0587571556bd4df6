"""Forms of the teacher's own pages. They parse what a person typed; the rules the API
enforces (level order, a trial's price with its minutes, overlapping hours …) are checked
by the API's own serializers and services, whose errors the views put next to the fields."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import language_choices

from .models import ExceptionKind, GigCategory, PricingMode
from .models.availability import Weekday
from .models.gigs import CURRENCIES
from .models.teachers import CefrLevel, _time_zone_choices

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
DURATION_ROWS = 4
# Blank rows shown under each weekday's slots; "Add a slot" adds one more on the next view.
BLANK_SLOTS = 1


class ProfileStepForm(forms.Form):
    headline = forms.CharField(
        label=_("Headline"),
        max_length=140,
        help_text=_("One line learners see first, e.g. “Patient Spanish teacher from Seville”."),
    )
    about = forms.CharField(
        label=_("About you"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("How you teach, who your lessons suit, what learners can expect."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=_time_zone_choices,
        help_text=_("Your weekly hours are written in this zone."),
    )


class MediaStepForm(forms.Form):
    avatar = forms.ImageField(
        label=_("Photo"),
        required=False,
        help_text=_("A friendly, well-lit photo of your face: JPEG, PNG or WebP, 5 MB at most."),
    )
    intro_video_url = forms.URLField(
        label=_("Intro video link"),
        required=False,
        assume_scheme="https",
        help_text=_("A link to a short video introducing yourself (YouTube, Vimeo …)."),
    )
    intro_video = forms.FileField(
        label=_("Or upload your intro video"),
        required=False,
        help_text=_("MP4, WebM or MOV, up to 3 minutes and 60 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/webm,video/quicktime"}),
    )


class TaughtLanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", "—"), *language_choices()], required=False
    )
    native = forms.BooleanField(label=_("Native speaker"), required=False)
    min_level = forms.ChoiceField(
        label=_("From level"), choices=CefrLevel.choices, initial=CefrLevel.A1
    )
    max_level = forms.ChoiceField(
        label=_("To level"), choices=CefrLevel.choices, initial=CefrLevel.C2
    )


class BaseTaughtLanguageFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, Any]]:
        """The filled rows, as the API's ``languages`` list."""
        return [
            {
                name: form.cleaned_data[name]
                for name in ("language", "native", "min_level", "max_level")
            }
            for form in self.forms
            if form.cleaned_data.get("language")
        ]


TaughtLanguageFormSet = forms.formset_factory(
    TaughtLanguageForm, formset=BaseTaughtLanguageFormSet, extra=2, max_num=12
)


class QualificationsStepForm(forms.Form):
    qualification = forms.CharField(
        label=_("Qualification"),
        required=False,
        max_length=200,
        help_text=_("e.g. “DELE examiner, MA in Spanish philology”."),
    )
    years_of_experience = forms.IntegerField(
        label=_("Years of teaching experience"), min_value=0, max_value=80, initial=0
    )


class CertificateForm(forms.Form):
    title = forms.CharField(label=_("Certificate title"), max_length=200)
    file = forms.FileField(
        label=_("Certificate file"), help_text=_("PDF, JPEG or PNG, 10 MB at most.")
    )


class GigForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Service"), queryset=GigCategory.objects.all(), to_field_name="slug"
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    language = forms.ChoiceField(
        label=_("Language taught"),
        required=False,
        choices=[("", "—"), *language_choices()],
        help_text=_("For a language tutor gig."),
    )
    about = forms.CharField(label=_("About the lessons"), widget=forms.Textarea(attrs={"rows": 5}))
    experience = forms.CharField(
        label=_("Experience"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    education = forms.CharField(
        label=_("Education"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    certificates = forms.CharField(
        label=_("Certificates"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCIES, initial="EUR")
    pricing_mode = forms.ChoiceField(
        label=_("Pricing"), choices=PricingMode.choices, initial=PricingMode.PER_DURATION
    )
    price_per_minute = forms.DecimalField(
        label=_("Rate per minute"), required=False, max_digits=12, decimal_places=2
    )
    trial_minutes = forms.IntegerField(label=_("Trial lesson minutes"), required=False)
    trial_price = forms.DecimalField(
        label=_("Trial lesson price"), required=False, max_digits=12, decimal_places=2
    )
    package_sizes = forms.CharField(
        label=_("Package sizes"),
        required=False,
        help_text=_("Lessons per package, separated by commas, e.g. 5, 10."),
    )
    package_discount_percent = forms.IntegerField(
        label=_("Package discount (%)"), required=False, initial=0
    )
    is_active = forms.BooleanField(
        label=_("Published (learners can book it)"), required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in range(1, DURATION_ROWS + 1):
            self.fields[f"duration_{row}_minutes"] = forms.IntegerField(
                label=_("Lesson length %(row)s (minutes)") % {"row": row}, required=False
            )
            self.fields[f"duration_{row}_price"] = forms.DecimalField(
                label=_("Price of lesson length %(row)s") % {"row": row},
                required=False,
                max_digits=12,
                decimal_places=2,
            )

    def clean_package_sizes(self) -> list[int]:
        text = self.cleaned_data.get("package_sizes") or ""
        try:
            return [int(part) for part in text.replace(" ", "").split(",") if part]
        except ValueError:
            raise forms.ValidationError(
                _("Whole numbers separated by commas, e.g. 5, 10.")
            ) from None

    def duration_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [
            (self[f"duration_{row}_minutes"], self[f"duration_{row}_price"])
            for row in range(1, DURATION_ROWS + 1)
        ]

    def api_data(self) -> dict[str, Any]:
        """The cleaned values in the API serializer's shape."""
        data = dict(self.cleaned_data)
        durations = []
        for row in range(1, DURATION_ROWS + 1):
            minutes = data.pop(f"duration_{row}_minutes", None)
            price = data.pop(f"duration_{row}_price", None)
            if minutes is None and price is None:
                continue
            durations.append(
                {
                    "minutes": minutes,
                    "price": price if price is not None else Decimal("0"),
                }
            )
        data["durations"] = durations
        data["category"] = data["category"].slug if data.get("category") else None
        if data.get("package_discount_percent") is None:
            data["package_discount_percent"] = 0
        return data

    @staticmethod
    def initial_of(gig: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(gig, name)
            for name in (
                "title",
                "language",
                "about",
                "experience",
                "education",
                "certificates",
                "currency",
                "pricing_mode",
                "price_per_minute",
                "trial_minutes",
                "trial_price",
                "package_discount_percent",
                "is_active",
            )
        }
        initial["category"] = gig.category.slug
        initial["package_sizes"] = ", ".join(str(n) for n in gig.package_sizes or [])
        for row, option in enumerate(gig.durations.all(), start=1):
            if row > DURATION_ROWS:
                break
            initial[f"duration_{row}_minutes"] = option.minutes
            initial[f"duration_{row}_price"] = option.price
        return initial


class BookingRulesForm(forms.Form):
    buffer_before_minutes = forms.IntegerField(
        label=_("Break before a lesson (minutes)"), min_value=0, max_value=240
    )
    buffer_after_minutes = forms.IntegerField(
        label=_("Break after a lesson (minutes)"), min_value=0, max_value=240
    )
    minimum_notice_minutes = forms.IntegerField(
        label=_("Minimum notice (minutes)"),
        min_value=0,
        max_value=60 * 24 * 30,
        help_text=_("How long before a lesson learners must book it (720 = 12 hours)."),
    )
    booking_horizon_days = forms.IntegerField(
        label=_("Booking horizon (days)"),
        min_value=1,
        max_value=366,
        help_text=_("How far ahead learners can book."),
    )
    slot_step_minutes = forms.IntegerField(
        label=_("Start times every (minutes)"), min_value=5, max_value=240
    )


class ExceptionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ExceptionKind.choices)
    start = forms.DateTimeField(
        label=_("From"),
        input_formats=[LOCAL_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )
    end = forms.DateTimeField(
        label=_("Until"),
        input_formats=[LOCAL_INPUT],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )
    note = forms.CharField(label=_("Note (only you see it)"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("Must be after the start."))
        return data


class DeclineForm(forms.Form):
    note = forms.CharField(label=_("Reason (the learner sees it)"), required=False, max_length=255)


class PayoutForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=18, decimal_places=2, min_value=Decimal("0.01")
    )
    currency = forms.ChoiceField(label=_("Currency"))
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, currencies: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = [(c, c) for c in currencies]  # type: ignore[attr-defined]


WEEKDAYS = list(Weekday)
