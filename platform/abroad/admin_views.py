"""The decision screens of study abroad's admin queues. Thin: the decisions are the
services', which check permissions again, log and notify."""

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from accounts.requests import user_of
from core.admin_queues import DecisionView

from . import services
from .models import AbroadReview, ApplicationStatus, ReviewStatus, VendorApplication


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Sent to the applicant, so that they can fix their application."),
    )


class ModerateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=ReviewStatus.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Moderation note"), required=False, max_length=255)


class VerifyApplicationView(DecisionView):
    template_name = "abroad/admin/verify_application.html"
    context_object_name = "application"

    def get_queryset(self) -> QuerySet[VendorApplication]:
        return VendorApplication.objects.select_related(
            "user", "destination", "page"
        ).prefetch_related("documents")

    def prepare(self) -> None:
        self.decline_form = DeclineForm(prefix="decline")
        self.revealed_phone = ""

    def decide(self) -> HttpResponse | None:
        request, application = self.request, self.object
        decision = request.POST.get("decision")
        if decision == "reveal_phone":
            # Answered to the POST itself (no URL to share or cache), after the log.
            self.revealed_phone = services.reveal_application_phone(
                application, by=user_of(request)
            )
        if decision == "approve":
            services.approve_application(application.pk, by=user_of(request))
            return self.decided(
                _("%(name)s is approved: their draft listing is ready for them.")
                % {"name": application.organisation}
            )
        if decision == "decline":
            self.decline_form = DeclineForm(request.POST, prefix="decline")
            if self.decline_form.is_valid():
                services.decline_application(
                    application.pk,
                    by=user_of(request),
                    reason=self.decline_form.cleaned_data["reason"],
                )
                return self.decided(
                    _("%(name)s was declined.") % {"name": application.organisation}
                )
            messages.error(request, _("Say why the application is declined."))
        return None

    def get_context_data(self) -> dict[str, Any]:
        return {
            "decline_form": self.decline_form,
            "revealed_phone": self.revealed_phone,
            "pending": self.object.status == ApplicationStatus.PENDING,
            "here": self.url("edit"),
        }

    def response_status(self) -> int:
        return 400 if self.decline_form.errors else 200


class ModerateReviewView(DecisionView):
    template_name = "abroad/admin/moderate_review.html"
    context_object_name = "review"

    def get_queryset(self) -> QuerySet[AbroadReview]:
        return AbroadReview.objects.select_related("author", "page")

    def prepare(self) -> None:
        self.form = ModerateForm(
            initial={"status": self.object.status, "note": self.object.moderation_note}
        )

    def decide(self) -> HttpResponse | None:
        self.form = ModerateForm(self.request.POST)
        if not self.form.is_valid():
            return None
        services.moderate_review(
            self.object.pk,
            by=user_of(self.request),
            status=self.form.cleaned_data["status"],
            note=self.form.cleaned_data["note"],
        )
        return self.decided(_("Review saved."))

    def get_context_data(self) -> dict[str, Any]:
        return {"form": self.form}
