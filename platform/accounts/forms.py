"""Forms of the accounts app, on the website and (the sign-up one) in the headless API."""

from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import guardians
from .models import LearningLanguage, Profile, User
from .notifications import preferences_of, website_switches
from .roles import Role
from .selectors import roles_of


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

    # The documents are linked from the page's footer, as on every page.
    accept_terms = forms.BooleanField(
        label=_("I accept the terms of service and the privacy policy"),
        required=False,
    )
    marketing_emails = forms.BooleanField(
        label=_("Send me news and offers (you can stop them any time)"),
        required=False,
    )

    field_order = [
        "full_name",
        "email",
        "password1",
        "role",
        "date_of_birth",
        "guardian_email",
        "accept_terms",
        "marketing_emails",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Asked only when legal documents are published (nothing to accept otherwise), and
        # required where the operator gates the site on their acceptance.
        from .signals import has_terms_to_accept

        if guardians.minimum_age() > 0:
            self.fields["date_of_birth"] = forms.DateField(
                label=_("Date of birth"),
                widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
                help_text=_("You must be at least %(age)d to use Toto.")
                % {"age": guardians.minimum_age()}
                if guardians.policy() == guardians.REFUSE
                else _("Under %(age)d, a parent or guardian consents first: enter their email.")
                % {"age": guardians.minimum_age()},
            )
            if guardians.policy() == guardians.GUARDIAN_CONSENT:
                self.fields["guardian_email"] = forms.EmailField(
                    label=_("Parent's or guardian's email (if you are under %(age)d)")
                    % {"age": guardians.minimum_age()},
                    required=False,
                )
        if has_terms_to_accept():
            self.fields["accept_terms"].required = getattr(
                settings, "LEGAL_ACCEPTANCE_REQUIRED", True
            )
        else:
            del self.fields["accept_terms"]

    def clean_full_name(self) -> str:
        value = " ".join(self.cleaned_data["full_name"].split())
        if not value:
            raise forms.ValidationError(_("Enter your name."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        born = data.get("date_of_birth")
        if born is None:
            return data
        today = timezone.localdate()
        if born > today:
            self.add_error("date_of_birth", _("Enter your date of birth."))
        elif guardians.is_under_age(born, today):
            if guardians.policy() != guardians.GUARDIAN_CONSENT:
                self.add_error(
                    "date_of_birth",
                    _("Sorry, you must be at least %(age)d years old to use Toto.")
                    % {"age": guardians.minimum_age()},
                )
            elif not data.get("guardian_email"):
                self.add_error(
                    "guardian_email",
                    _("Under %(age)d, enter your parent's or guardian's email: they consent first.")
                    % {"age": guardians.minimum_age()},
                )
            elif str(data["guardian_email"]).casefold() == str(data.get("email", "")).casefold():
                self.add_error(
                    "guardian_email", _("Enter your parent's or guardian's own email address.")
                )
        return data

    def signup(self, request: HttpRequest, user: User) -> None:
        from .services import complete_signup, request_guardian_consent
        from .signals import signed_up_accepting_terms

        born = self.cleaned_data.get("date_of_birth")
        complete_signup(
            user,
            role=Role(self.cleaned_data["role"]),
            full_name=self.cleaned_data["full_name"],
            marketing_emails=self.cleaned_data.get("marketing_emails", False),
            date_of_birth=born,
        )
        if born is not None and guardians.is_under_age(born, timezone.localdate()):
            request_guardian_consent(user, guardian_email=self.cleaned_data["guardian_email"])
        if self.cleaned_data.get("accept_terms"):
            signed_up_accepting_terms.send(sender=type(self), user=user, request=request)


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
            "marketing_emails",
        ]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "date_of_birth": forms.DateInput(attrs={"type": "date"}),
        }

    user_field_names = ("first_name", "last_name")

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, instance: Profile, **kwargs: Any
    ) -> None:
        initial = {name: getattr(instance.user, name) for name in self.user_field_names}
        # The switches are the notifications app's preferences (accounts.notifications),
        # only those that concern the person's roles (someone without any is a learner).
        roles = {str(role) for role in roles_of(instance.user)} or {"student"}
        self.switches = [
            switch for switch in website_switches() if not switch.roles or switch.roles & roles
        ]
        preferences = preferences_of(instance.user)
        for switch in self.switches:
            initial[switch.field] = preferences[switch.type][switch.channel]
        super().__init__(data, instance=instance, initial=initial, **kwargs)
        for switch in self.switches:
            self.fields[switch.field] = forms.BooleanField(
                label=f"{switch.type_label}: {CHANNEL_LABELS[switch.channel]}", required=False
            )
        self.order_fields(["first_name", "last_name", *self.Meta.fields])

    def clean_first_name(self) -> str:
        value = " ".join(self.cleaned_data["first_name"].split())
        if not value:
            raise forms.ValidationError(_("Enter a first name."))
        return value

    def notification_fields(self) -> list[forms.BoundField]:
        return [self[switch.field] for switch in self.switches]

    def notification_groups(self) -> list[dict[str, Any]]:
        """The switches by category, in the page's order, each type with its channels."""
        groups: dict[str, dict[str, Any]] = {}
        for switch in self.switches:
            group = groups.setdefault(
                switch.category, {"label": switch.category_label, "types": {}}
            )
            row = group["types"].setdefault(switch.type, {"label": switch.type_label, "fields": []})
            row["fields"].append(self[switch.field])
        return [
            {"label": group["label"], "types": list(group["types"].values())}
            for group in groups.values()
        ]

    def profile_field_names(self) -> list[str]:
        return ["first_name", "last_name", *self.Meta.fields]

    def user_changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.user_field_names}

    def profile_changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def notification_changes(self) -> dict[str, dict[str, bool]]:
        changes: dict[str, dict[str, bool]] = {}
        for switch in self.switches:
            changes.setdefault(switch.type, {})[switch.channel] = bool(
                self.cleaned_data[switch.field]
            )
        return changes


CHANNEL_LABELS = {"email": _("email"), "push": _("phone")}


class LearningLanguageForm(forms.ModelForm):
    class Meta:
        model = LearningLanguage
        fields = ["language", "level"]


LearningLanguageFormSet = forms.inlineformset_factory(
    Profile,
    LearningLanguage,
    form=LearningLanguageForm,
    extra=1,
    max_num=20,
    can_delete=True,
)


def learning_from_formset(formset: Any) -> list[dict[str, str]]:
    """The languages the formset leaves, as update_profile takes them (one per language)."""
    chosen: dict[str, str] = {}
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE") or not data.get("language"):
            continue
        chosen[data["language"]] = data["level"]
    return [{"language": language, "level": level} for language, level in chosen.items()]


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
