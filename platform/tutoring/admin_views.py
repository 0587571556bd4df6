"""The marketplace's decision screens in the Wagtail admin: verifying a teacher and
moderating a review. Thin: the decisions are ``services.teachers.approve/reject`` and
``services.reviews.moderate``, which check permissions again, log and notify."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import TeacherCertificate
from accounts.requests import user_of

from .models import Gig, ListingStatus, Review, ReviewStatus, TeacherListing
from .services import reviews as review_services
from .services import teachers as teacher_services


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Sent to the teacher, so that they can fix their profile."),
    )


class ModerateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=ReviewStatus.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Moderation note"),
        required=False,
        max_length=255,
        help_text=_("Kept with the review and in its history; not shown to the public."),
    )


def _require(viewset: Any, request: HttpRequest, action: str) -> None:
    if not viewset.permission_policy.user_has_permission(request.user, action):
        raise PermissionDenied


def review_listing(request: HttpRequest, pk: str, *, viewset: Any) -> HttpResponse:
    """A listing with everything needed to verify it (profile, languages, certificates,
    intro video, gigs), and the approve / reject decision."""
    _require(viewset, request, "change")
    listing = get_object_or_404(
        TeacherListing.objects.select_related("user__teacher_profile").prefetch_related(
            "languages",
            Prefetch("gigs", queryset=Gig.objects.select_related("category")),
            "gigs__durations",
        ),
        pk=pk,
    )
    here = reverse(viewset.get_url_name("edit"), args=[listing.pk])
    index_url = reverse(viewset.get_url_name("index"))
    reject_form = RejectForm(prefix="reject")
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision == "approve":
            teacher_services.approve(listing, by=user_of(request))
            messages.success(request, _("%(name)s is verified.") % {"name": listing.user})
            return redirect(index_url)
        if decision == "reject":
            reject_form = RejectForm(request.POST, prefix="reject")
            if reject_form.is_valid():
                teacher_services.reject(
                    listing, by=user_of(request), reason=reject_form.cleaned_data["reason"]
                )
                messages.success(
                    request, _("%(name)s was asked for changes.") % {"name": listing.user}
                )
                return redirect(index_url)
        messages.error(request, _("Say why the listing is rejected."))
    certificates = TeacherCertificate.objects.filter(teacher__user=listing.user).order_by(
        "-uploaded_at"
    )
    return TemplateResponse(
        request,
        "tutoring/admin/review_listing.html",
        {
            "listing": listing,
            "profile": getattr(listing.user, "teacher_profile", None),
            "certificates": certificates,
            "reject_form": reject_form,
            "can_approve": listing.status != ListingStatus.VERIFIED,
            "here": here,
            "index_url": index_url,
            "history_url": reverse(viewset.get_url_name("history"), args=[listing.pk]),
        },
        status=400 if reject_form.errors else 200,
    )


def moderate_review(request: HttpRequest, pk: str, *, viewset: Any) -> HttpResponse:
    _require(viewset, request, "change")
    review = get_object_or_404(
        Review.objects.select_related("booking__learner", "booking__gig", "teacher__user"), pk=pk
    )
    index_url = reverse(viewset.get_url_name("index"))
    form = ModerateForm(initial={"status": review.status, "note": review.moderation_note})
    if request.method == "POST":
        form = ModerateForm(request.POST)
        if form.is_valid():
            review_services.moderate(
                review,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                by=user_of(request),
            )
            messages.success(request, _("Review saved."))
            return redirect(index_url)
    return TemplateResponse(
        request,
        "tutoring/admin/moderate_review.html",
        {
            "review": review,
            "form": form,
            "index_url": index_url,
            "history_url": reverse(viewset.get_url_name("history"), args=[review.pk]),
        },
    )
