"""The marketplace's decision screens in the Wagtail admin: verifying a teacher and
moderating a review. Thin: the decisions are ``services.teachers.approve/reject`` and
``services.reviews.moderate``, which check permissions again, log and notify."""

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from accounts.requests import user_of
from accounts.selectors import certificates_of
from core.admin_queues import DecisionView

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


class ReviewListingView(DecisionView):
    """A listing with everything needed to verify it (profile, languages, certificates,
    intro video, gigs), and the approve / reject decision."""

    template_name = "tutoring/admin/review_listing.html"
    context_object_name = "listing"

    def get_queryset(self) -> QuerySet[TeacherListing]:
        return TeacherListing.objects.select_related("user__teacher_profile").prefetch_related(
            "languages",
            Prefetch("gigs", queryset=Gig.objects.select_related("category")),
            "gigs__durations",
        )

    def prepare(self) -> None:
        self.reject_form = RejectForm(prefix="reject")

    def decide(self) -> HttpResponse | None:
        request, listing = self.request, self.object
        decision = request.POST.get("decision")
        if decision == "approve":
            teacher_services.approve(listing, by=user_of(request))
            return self.decided(_("%(name)s is verified.") % {"name": listing.user})
        if decision == "reject":
            self.reject_form = RejectForm(request.POST, prefix="reject")
            if self.reject_form.is_valid():
                teacher_services.reject(
                    listing, by=user_of(request), reason=self.reject_form.cleaned_data["reason"]
                )
                return self.decided(_("%(name)s was asked for changes.") % {"name": listing.user})
        messages.error(request, _("Say why the listing is rejected."))
        return None

    def get_context_data(self) -> dict[str, Any]:
        listing = self.object
        return {
            "profile": getattr(listing.user, "teacher_profile", None),
            "certificates": certificates_of(listing.user),
            "reject_form": self.reject_form,
            "can_approve": listing.status != ListingStatus.VERIFIED,
            "here": self.url("edit"),
        }

    def response_status(self) -> int:
        return 400 if self.reject_form.errors else 200


class ModerateReviewView(DecisionView):
    template_name = "tutoring/admin/moderate_review.html"
    context_object_name = "review"

    def get_queryset(self) -> QuerySet[Review]:
        return Review.objects.select_related("booking__learner", "booking__gig", "teacher__user")

    def prepare(self) -> None:
        self.form = ModerateForm(
            initial={"status": self.object.status, "note": self.object.moderation_note}
        )

    def decide(self) -> HttpResponse | None:
        self.form = ModerateForm(self.request.POST)
        if not self.form.is_valid():
            return None
        review_services.moderate(
            self.object,
            status=self.form.cleaned_data["status"],
            note=self.form.cleaned_data["note"],
            by=user_of(self.request),
        )
        return self.decided(_("Review saved."))

    def get_context_data(self) -> dict[str, Any]:
        return {"form": self.form}
