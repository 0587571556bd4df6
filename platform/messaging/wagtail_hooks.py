"""The moderation queue in the Wagtail admin: reports on users and messages, filtered by
status and date, closed as resolved or dismissed with a note; suspending the reported person
links to the member admin. Moderators and admins see it (messaging.change_report)."""

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import IndexView

from accounts.requests import user_of
from core.admin_queues import DecisionView, ReviewQueueViewSet

from . import crypto, services
from .models import Report


class ReportFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Report.Status.choices, empty_label=_("Any")
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Reported"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Report
        fields = ["status", "created_at"]


class CloseReportForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Report.Status.RESOLVED, _("Resolved: acted on it")),
            (Report.Status.DISMISSED, _("Dismissed: nothing to act on")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea, max_length=2000)


class ReportIndexView(IndexView):
    def get_base_queryset(self) -> Any:
        return Report.objects.select_related("reporter", "reported").order_by("-created_at")


class ReviewReportView(DecisionView):
    template_name = "messaging/admin/review_report.html"
    context_object_name = "report"

    def get_queryset(self) -> QuerySet[Report]:
        return Report.objects.select_related("reporter", "reported", "resolved_by", "message")

    def prepare(self) -> None:
        self.form = CloseReportForm()

    def decide(self) -> HttpResponse | None:
        self.form = CloseReportForm(self.request.POST)
        if not self.form.is_valid():
            return None
        services.close_report(
            self.object,
            by=user_of(self.request),
            status=self.form.cleaned_data["status"],
            note=self.form.cleaned_data["note"],
        )
        return self.decided(_("The report is closed."))

    def get_context_data(self) -> dict[str, Any]:
        report = self.object
        quoted = ""
        if report.message is not None and report.message.body_encrypted:
            # The reported message is shown to the moderator: reporting it is the reporter's
            # consent to that (the API only lets a participant quote it).
            quoted = crypto.decrypt(report.message.body_encrypted)
        try:
            member_url = reverse("members:edit", args=[report.reported_id])
        except NoReverseMatch:  # the accounts admin is not installed
            member_url = ""
        return {"quoted": quoted, "form": self.form, "member_url": member_url}


class ReportViewSet(ReviewQueueViewSet):
    model = Report
    icon = "warning"
    menu_label = _("Member reports")
    menu_order = 610
    add_to_admin_menu = True
    url_prefix = "moderation/reports"
    name = "reports"
    filterset_class = ReportFilterSet
    search_fields = ["reason", "reported__email", "reporter__email"]
    ordering = ["-created_at"]
    list_per_page = 50
    inspect_view_enabled = False
    index_view_class = ReportIndexView

    @property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn(
                "reported",
                label=_("Reported"),
                url_name=self.get_url_name("edit"),
                accessor="reported.email",
            ),
            Column("reporter", label=_("By"), accessor="reporter.email"),
            Column("reason", label=_("Reason")),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                primary=lambda report: report.status == Report.Status.OPEN,
            ),
            DateColumn("created_at", label=_("Reported")),
        ]

    # Reports are made by users (API) and closed here, never created or deleted here.
    history = False
    decision_view_class = ReviewReportView


report_viewset = ReportViewSet()


@hooks.register("register_admin_viewset")
def register_report_viewset() -> ReportViewSet:
    return report_viewset
