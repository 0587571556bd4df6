from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext_lazy as _

from core.tags import MAX_TAG_LENGTH

from .models import MAX_TAGS, LearnerSchedule, Level, Source
from .services import BULK_ACTIONS

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


def language_choices() -> list[tuple[str, str]]:
    """The site's languages first, then every other language Django knows by name."""
    site = [(code, str(name)) for code, name in settings.LANGUAGES if "-" not in code]
    known = {code for code, _name in site}
    others = sorted(
        (
            (code, str(info["name"]))
            for code, info in LANG_INFO.items()
            if "-" not in code and "name" in info and code not in known
        ),
        key=lambda item: item[1],
    )
    return [*site, *others]


def split_tags(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


class TagsField(forms.CharField):
    def clean(self, value: Any) -> list[str]:
        names = split_tags(super().clean(value) or "")
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(
                _("At most %(count)d tags.") % {"count": MAX_TAGS}, code="too_many"
            )
        if any(len(name) > MAX_TAG_LENGTH for name in names):
            raise forms.ValidationError(
                _("A tag has at most %(count)d characters.") % {"count": MAX_TAG_LENGTH},
                code="too_long",
            )
        return names


class WordForm(forms.Form):
    text = forms.CharField(label=_("Word or phrase"), max_length=200)
    translation = forms.CharField(label=_("Translation"), max_length=300, required=False)
    language = forms.ChoiceField(label=_("Language of the word"), choices=language_choices)
    part_of_speech = forms.CharField(label=_("Part of speech"), max_length=30, required=False)
    example = forms.CharField(label=_("Example sentence"), max_length=500, required=False)
    tags = TagsField(
        label=_("Tags"), required=False, help_text=_("Separate tags with commas."), max_length=600
    )
    image = forms.FileField(
        label=_("Picture (optional)"),
        required=False,
        help_text=_("A JPEG, PNG, WebP or GIF image, shown on the card."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )


class WordEditForm(WordForm):
    level = forms.ChoiceField(
        label=_("CEFR level"), choices=[("", "—"), *Level.choices], required=False
    )
    remove_image = forms.BooleanField(label=_("Remove the picture"), required=False)

    field_order = [
        "text", "translation", "language", "part_of_speech", "example", "level", "tags",
        "image", "remove_image",
    ]  # fmt: skip


class QuickAddForm(forms.Form):
    """The "Add to my words" buttons on lessons, translations, the phrasebook and tutor
    reports: hidden fields, then back to the page it came from."""

    text = forms.CharField(max_length=200)
    translation = forms.CharField(max_length=300, required=False)
    language = forms.CharField(max_length=16)
    example = forms.CharField(max_length=500, required=False)
    source = forms.ChoiceField(choices=Source.choices)
    source_ref = forms.CharField(max_length=200, required=False)
    tags = TagsField(required=False, max_length=600)
    next = forms.CharField(max_length=500, required=False)


class BulkForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    action = forms.ChoiceField(
        label=_("With the selected words"),
        choices=[
            (BULK_ACTIONS[0], _("Delete")),
            (BULK_ACTIONS[1], _("Add tags")),
            (BULK_ACTIONS[2], _("Remove tags")),
            (BULK_ACTIONS[3], _("Set level")),
        ],
    )
    tags = TagsField(label=_("Tags"), required=False, max_length=600)
    level = forms.ChoiceField(label=_("Level"), choices=[("", "—"), *Level.choices], required=False)

    def __init__(self, *args: Any, word_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids_field = cast(forms.TypedMultipleChoiceField, self.fields["ids"])
        ids_field.choices = [(pk, str(pk)) for pk in word_ids]


class ScheduleForm(forms.ModelForm[LearnerSchedule]):
    easy_days = forms.TypedMultipleChoiceField(
        label=_("Easy days"),
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Days that should carry fewer reviews."),
    )

    class Meta:
        model = LearnerSchedule
        fields = [
            "desired_retention",
            "daily_new_limit",
            "daily_review_limit",
            "easy_days",
            "reminder_time",
        ]
        widgets = {
            "desired_retention": forms.NumberInput(
                attrs={"step": "0.01", "min": "0.7", "max": "0.97"}
            ),
            "reminder_time": forms.TimeInput(attrs={"type": "time"}),
        }
        help_texts = {
            "desired_retention": _(
                "How sure you want to be to remember a word when it comes back (0.70 to 0.97). "
                "Higher means more reviews."
            ),
            "reminder_time": _("A daily “words due” reminder at this time, in your time zone."),
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A .csv file (the columns of the export, with a header line) or an Anki .apkg deck."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.apkg"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the words"),
        choices=lambda: [("", _("From the file's “language” column")), *language_choices()],
        required=False,
        help_text=_("Needed for an Anki deck; for a CSV file, used where a row has no language."),
    )


class ShiftForm(forms.Form):
    """Postpone or advance: how many days, and an explicit yes (cards really move)."""

    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=30, initial=7)
    confirm = forms.BooleanField(
        label=_("Yes, move these cards"),
        error_messages={"required": _("Tick the box to confirm: the cards' due dates change.")},
    )
