"""The decision screens of study abroad's admin queues. Thin: the decisions are the
services', which check permissions again, log and notify."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.requests import user_of
from core.api.errors import ServiceError

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


def _require(viewset: Any, request: HttpRequest, action: str) -> None:
    if not viewset.permission_policy.user_has_permission(request.user, action):
        raise PermissionDenied


def verify_application(request: HttpRequest, pk: str, *, viewset: Any) -> HttpResponse:
    _require(viewset, request, "change")
    application = get_object_or_404(
        VendorApplication.objects.select_related("user", "destination", "page").prefetch_related(
            "documents"
        ),
        pk=pk,
    )
    index_url = reverse(viewset.get_url_name("index"))
    decline_form = DeclineForm(prefix="decline")
    revealed_phone = ""
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision == "reveal_phone":
                # Answered to the POST itself (no URL to share or cache), after the log.
                revealed_phone = services.reveal_application_phone(application, by=user_of(request))
            if decision == "approve":
                services.approve_application(application.pk, by=user_of(request))
                messages.success(
                    request,
                    _("%(name)s is approved: their draft listing is ready for them.")
                    % {"name": application.organisation},
                )
                return redirect(index_url)
            if decision == "decline":
                decline_form = DeclineForm(request.POST, prefix="decline")
                if decline_form.is_valid():
                    services.decline_application(
                        application.pk,
                        by=user_of(request),
                        reason=decline_form.cleaned_data["reason"],
                    )
                    messages.success(
                        request, _("%(name)s was declined.") % {"name": application.organisation}
                    )
                    return redirect(index_url)
                messages.error(request, _("Say why the application is declined."))
        except ServiceError as error:
            messages.error(request, str(error.detail))
    return TemplateResponse(
        request,
        "abroad/admin/verify_application.html",
        {
            "application": application,
            "decline_form": decline_form,
            "revealed_phone": revealed_phone,
            "pending": application.status == ApplicationStatus.PENDING,
            "here": reverse(viewset.get_url_name("edit"), args=[application.pk]),
            "index_url": index_url,
            "history_url": reverse(viewset.get_url_name("history"), args=[application.pk]),
        },
        status=400 if decline_form.errors else 200,
    )


def moderate_review(request: HttpRequest, pk: str, *, viewset: Any) -> HttpResponse:
    _require(viewset, request, "change")
    review = get_object_or_404(AbroadReview.objects.select_related("author", "page"), pk=pk)
    index_url = reverse(viewset.get_url_name("index"))
    form = ModerateForm(initial={"status": review.status, "note": review.moderation_note})
    if request.method == "POST":
        form = ModerateForm(request.POST)
        if form.is_valid():
            services.moderate_review(
                review.pk,
                by=user_of(request),
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Review saved."))
            return redirect(index_url)
    return TemplateResponse(
        request,
        "abroad/admin/moderate_review.html",
        {
            "review": review,
            "form": form,
            "index_url": index_url,
            "history_url": reverse(viewset.get_url_name("history"), args=[review.pk]),
        },
    )
