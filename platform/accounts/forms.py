"""Forms of the accounts app, on the website and (the sign-up one) in the headless API."""

from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Profile, User
from .roles import Role


class SignupForm(forms.Form):
    """The inputs Toto adds to allauth's sign-up (ACCOUNT_SIGNUP_FORM_CLASS): allauth
    validates them on the website form and on POST /api/auth/app/v1/auth/signup alike."""

    full_name = forms.CharField(label=_("Full name"), max_length=300, strip=True)
    role = forms.ChoiceField(
        label=_("I want to"),
        choices=[(Role.STUDENT.value, _("Learn")), (Role.TEACHER.value, _("Teach"))],
        widget=forms.RadioSelect,
        initial=Role.STUDENT.value,
    )

    field_order = ["full_name", "email", "password1", "role"]

    def clean_full_name(self) -> str:
        value = " ".join(self.cleaned_data["full_name"].split())
        if not value:
            raise forms.ValidationError(_("Enter your name."))
        return value

    def signup(self, request: HttpRequest, user: User) -> None:
        from .services import complete_signup

        complete_signup(
            user, role=Role(self.cleaned_data["role"]), full_name=self.cleaned_data["full_name"]
        )


class SuspendForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReactivateForm(forms.Form):
    reason = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class ProfileForm(forms.ModelForm):
    """The website's profile editor; the same fields as PATCH /api/v1/users/me/."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)

    class Meta:
        model = Profile
        fields = [
            "bio",
            "status",
            "native_language",
            "phone",
            "gender",
            "date_of_birth",
            "city",
            "country",
            "postal_code",
            "time_zone",
            "interface_language",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
        }

    user_field_names = ("first_name", "last_name")

    def __init__(self, *args: Any, instance: Profile, **kwargs: Any) -> None:
        initial = {name: getattr(instance.user, name) for name in self.user_field_names}
        super().__init__(*args, instance=instance, initial=initial, **kwargs)
        self.order_fields(["first_name", "last_name", *self.Meta.fields])

    def user_changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.user_field_names}

    def profile_changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AvatarForm(forms.Form):
    avatar = forms.FileField(
        label=_("Avatar"),
        help_text=_("JPEG, PNG or WebP, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and profile will be erased."), required=True
    )
