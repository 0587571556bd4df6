from django import forms
from django.utils.translation import gettext_lazy as _

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]
GOALS = [
    (10, _("Casual: 10 XP")),
    (20, _("Regular: 20 XP")),
    (30, _("Serious: 30 XP")),
    (50, _("Intense: 50 XP")),
]


class SettingsForm(forms.Form):
    daily_goal = forms.TypedChoiceField(label=_("Daily goal"), choices=GOALS, coerce=int)
    rest_days = forms.TypedMultipleChoiceField(
        label=_("Rest days"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Up to two days a week that never break your streak. Changes apply from tomorrow."
        ),
    )
    league_opt_out = forms.BooleanField(label=_("Leave the weekly leagues"), required=False)

    def clean_rest_days(self) -> list[int]:
        days: list[int] = self.cleaned_data["rest_days"]
        if len(days) > 2:
            raise forms.ValidationError(_("Choose at most two rest days."))
        return days
