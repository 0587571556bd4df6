from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.languages import is_language_code

from .models import Report, Visibility


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleImageField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class MomentForm(forms.Form):
    text = forms.CharField(
        label=_("What did you learn or practise?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    language = forms.ChoiceField(label=_("Language"))
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Visibility.choices, initial=Visibility.PUBLIC
    )
    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        max_length=200,
        help_text=_("Up to 5, separated by spaces, e.g. travel food"),
    )
    images = MultipleImageField(label=_("Photos (up to 9)"), required=False)
    voice = forms.FileField(
        label=_("Voice clip"), required=False, widget=forms.FileInput(attrs={"accept": "audio/*"})
    )
    video = forms.FileField(
        label=_("Video"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "video/mp4,video/webm,video/quicktime"}),
    )
    correct_me = forms.BooleanField(
        label=_("Correct me: others may suggest corrections"), required=False
    )

    def __init__(self, *args: Any, languages: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages  # type: ignore[attr-defined]

    def clean_language(self) -> str:
        value = str(self.cleaned_data["language"])
        if not is_language_code(value):
            raise forms.ValidationError(_("Choose a language."))
        return value


class MomentEditForm(forms.Form):
    """What can change within the edit window: the words, who sees it, topics, "correct me".
    The language and the media stay as posted."""

    text = forms.CharField(
        label=_("Your moment"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=Visibility.choices)
    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        max_length=200,
        help_text=_("Up to 5, separated by spaces, e.g. travel food"),
    )
    correct_me = forms.BooleanField(
        label=_("Correct me: others may suggest corrections"), required=False
    )


class ConnectionsForm(forms.Form):
    connections_visibility = forms.ChoiceField(
        label=_("Who sees your followers and the people you follow"),
        choices=Visibility.choices,
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Your comment"), max_length=1000)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("Your corrected version"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(label=_("Why (optional)"), max_length=1000, required=False)


class ReportForm(forms.Form):
    target = forms.ChoiceField(choices=Report.Target.choices, widget=forms.HiddenInput)
    target_id = forms.CharField(max_length=64, widget=forms.HiddenInput)
    category = forms.ChoiceField(
        label=_("What is wrong?"),
        choices=[c for c in Report.Category.choices if c[0] != Report.Category.AUTOMATIC],
    )
    details = forms.CharField(
        label=_("Anything a moderator should know (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AppealForm(forms.Form):
    action = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Why should the decision change?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
