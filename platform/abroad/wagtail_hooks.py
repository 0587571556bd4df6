"""Study abroad in the Wagtail admin: the partner verification queue (schools and homestay
hosts with their documents; approve or decline with a reason, audit-logged) and review
moderation. Moderators hold view/change on both (migration 0006)."""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.reports import ReportView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets import AdminDateInput

from core.admin_queues import ReviewQueueViewSet

from . import admin_views, selectors
from .models import AbroadReview, ApplicationStatus, ReviewStatus, VendorApplication


@hooks.register("register_log_actions")
def register_abroad_log_actions(actions: Any) -> None:
    actions.register_action("abroad.approve_vendor", _("Approve partner"), _("Partner approved"))
    actions.register_action("abroad.decline_vendor", _("Decline partner"), _("Partner declined"))
    actions.register_action("abroad.moderate_review", _("Moderate review"), _("Review moderated"))
    actions.register_action(
        "abroad.reveal_phone", _("Reveal applicant's phone"), _("Applicant's phone revealed")
    )
    actions.register_action(
        "abroad.minor_edit_published",
        _("Publish a minor edit without review"),
        _("Minor edit published without review"),
    )


@hooks.register("after_edit_page")
def publish_minor_edits(request: HttpRequest, page: Any) -> None:
    """A partner's change to a live course or homestay that is only minor (prices within
    the limit, seats, nights) goes live at once when the admins allow it (``services``)."""
    from django.contrib import messages

    from . import services

    if not any(request.POST.get(name) for name in ("action-submit", "action-restart-workflow")):
        return
    changes = services.publish_minor_edit(page, by=request.user)  # type: ignore[arg-type]
    if changes:
        messages.success(
            request,
            _("It was a minor edit (prices or availability), so it is live now."),
        )


class ApplicationFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ApplicationStatus.choices, empty_label=_("Any")
    )

    class Meta:
        model = VendorApplication
        fields: list[str] = []


class ApplicationIndexView(IndexView):
    page_title = _("Partner verification")

    def get_base_queryset(self) -> QuerySet[VendorApplication]:
        return VendorApplication.objects.select_related("user", "destination").annotate(
            queue=Case(
                When(status=ApplicationStatus.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )


class VendorApplicationViewSet(ReviewQueueViewSet):
    model = VendorApplication
    icon = "user"
    menu_label = _("Partner verification")
    url_prefix = "abroad/vendor-applications"
    name = "abroad_applications"
    index_view_class = ApplicationIndexView
    filterset_class = ApplicationFilterSet
    search_fields = ["organisation", "user__email"]
    ordering = ["queue", "submitted_at"]
    list_per_page = 50
    inspect_view_enabled = False
    form_fields = ["organisation"]
    decision_route = "verify"

    @property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn("organisation", label=_("Partner"), url_name=self.get_url_name("edit")),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
            Column("email", label=_("Email"), accessor="user.email"),
            Column("destination", label=_("City"), accessor="destination"),
            Column("status", label=_("Status"), accessor="get_status_display"),
            DateColumn("submitted_at", label=_("Submitted"), sort_key="submitted_at"),
        ]

    decision_view_class = admin_views.VerifyApplicationView


class ReviewFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ReviewStatus.choices, empty_label=_("Any")
    )

    class Meta:
        model = AbroadReview
        fields: list[str] = []


class ReviewIndexView(IndexView):
    page_title = _("Study abroad reviews")

    def get_base_queryset(self) -> QuerySet[AbroadReview]:
        return AbroadReview.objects.select_related("author", "page")


class AbroadReviewViewSet(ReviewQueueViewSet):
    model = AbroadReview
    icon = "openquote"
    menu_label = _("Reviews")
    url_prefix = "abroad/reviews"
    name = "abroad_reviews"
    index_view_class = ReviewIndexView
    filterset_class = ReviewFilterSet
    search_fields = ["text", "author__email"]
    ordering = ["-created_at"]
    list_per_page = 50
    inspect_view_enabled = False
    form_fields = ["status"]
    decision_route = "moderate"

    @property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn("page", label=_("Listing"), url_name=self.get_url_name("edit")),
            Column("rating", label=_("Rating")),
            Column("author", label=_("Author"), accessor="author.email"),
            Column("status", label=_("Status"), accessor="get_status_display"),
            DateColumn("created_at", label=_("Written"), sort_key="created_at"),
        ]

    decision_view_class = admin_views.ModerateReviewView


class AbroadAdminGroup(ViewSetGroup):
    menu_label = _("Study abroad")
    menu_icon = "site"
    menu_order = 260
    items = (VendorApplicationViewSet, AbroadReviewViewSet)


@hooks.register("register_admin_viewset")
def register_abroad_viewsets() -> AbroadAdminGroup:
    return AbroadAdminGroup()


# --- Occupancy and revenue report (Reports menu; CSV/XLSX export) -----------------------------


class ReportPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=AdminDateInput)
    end = forms.DateField(label=_("Until (exclusive)"), required=False, widget=AdminDateInput)


class OccupancyReportView(ReportView):
    """Per course and homestay over a period: bookings sold, seats or nights sold against
    capacity (occupancy) and the sold value in the listing's currency. Staff with the
    report permission see every vendor's listings."""

    page_title = _("Study abroad occupancy and revenue")
    header_icon = "table"
    index_url_name = "abroad_occupancy_report"
    index_results_url_name = "abroad_occupancy_report_results"
    results_template_name = "abroad/admin/occupancy_report_results.html"
    template_name = "abroad/admin/occupancy_report.html"
    paginate_by = 50
    list_export = [
        "title",
        "kind",
        "vendor",
        "bookings",
        "sold",
        "capacity",
        "occupancy",
        "revenue",
        "currency",
    ]
    export_headings = {
        "title": _("Listing"),
        "kind": _("Kind"),
        "vendor": _("Vendor"),
        "bookings": _("Bookings"),
        "sold": _("Seats or nights sold"),
        "capacity": _("Capacity"),
        "occupancy": _("Occupancy (%)"),
        "revenue": _("Sold value"),
        "currency": _("Currency"),
    }

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.has_perm("abroad.view_abroadbooking"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def period(self) -> tuple[date, date]:
        form = ReportPeriodForm(self.request.GET)
        today = timezone.localdate()
        data = form.cleaned_data if form.is_valid() else {}
        start = data.get("start") or today.replace(day=1)
        end = data.get("end") or start + timedelta(days=90)
        return start, max(end, start + timedelta(days=1))

    def get_queryset(self) -> Any:
        return selectors.report_pages()

    def decorate_paginated_queryset(self, object_list: Any) -> list[dict[str, Any]]:
        start, end = self.period()
        return selectors.occupancy_rows(list(object_list), start, end)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        start, end = self.period()
        context["period_form"] = ReportPeriodForm(initial={"start": start, "end": end})
        context["start"], context["end"] = start, end
        return context


class OccupancyReportMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return request.user.has_perm("abroad.view_abroadbooking")


@hooks.register("register_reports_menu_item")
def register_occupancy_report_menu_item() -> MenuItem:
    return OccupancyReportMenuItem(
        _("Study abroad occupancy"),
        reverse_lazy("abroad_occupancy_report"),
        icon_name="table",
        order=800,
    )


@hooks.register("register_admin_urls")
def register_occupancy_report_url() -> list[Any]:
    return [
        path(
            "reports/abroad-occupancy/",
            OccupancyReportView.as_view(),
            name="abroad_occupancy_report",
        ),
        path(
            "reports/abroad-occupancy/results/",
            OccupancyReportView.as_view(results_only=True),
            name="abroad_occupancy_report_results",
        ),
    ]


class VendorMoneyFilterForm(ReportPeriodForm):
    vendor = forms.ModelChoiceField(
        label=_("Vendor"),
        queryset=selectors.money_vendors().none(),
        required=False,
        empty_label=_("All vendors"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["start"].label = _("Booked from")
        self.fields["vendor"].queryset = selectors.money_vendors()  # type: ignore[attr-defined]


class VendorMoneyReportView(ReportView):
    """Study-abroad bookings and their payments by vendor: per booking and vendor part
    what the learner paid, what was refunded, the platform's commission and the vendor's
    earnings (the ledger's split), with totals per vendor and currency. For staff with
    the report permission (finance, admins); a period and a vendor narrow it."""

    page_title = _("Study abroad bookings and payments by vendor")
    header_icon = "table"
    index_url_name = "abroad_vendor_money_report"
    index_results_url_name = "abroad_vendor_money_report_results"
    results_template_name = "abroad/admin/vendor_money_report_results.html"
    template_name = "abroad/admin/vendor_money_report.html"
    paginate_by = 50
    list_export = [
        "booked",
        "booking.pk",
        "listing",
        "kind",
        "vendor",
        "learner",
        "status",
        "currency",
        "gross",
        "refunded",
        "commission",
        "earnings",
        "paid_out",
        "payments",
    ]
    export_headings = {
        "booked": _("Booked"),
        "booking.pk": _("Booking"),
        "listing": _("Listing"),
        "kind": _("Part"),
        "vendor": _("Vendor"),
        "learner": _("Learner"),
        "status": _("Status"),
        "currency": _("Currency"),
        "gross": _("Paid"),
        "refunded": _("Refunded"),
        "commission": _("Commission"),
        "earnings": _("Vendor earnings"),
        "paid_out": _("Earnings released"),
        "payments": _("Payments"),
    }

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.has_perm("abroad.view_abroadbooking"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def chosen(self) -> dict[str, Any]:
        if not hasattr(self, "_filters"):
            form = VendorMoneyFilterForm(self.request.GET)
            self._filter_form = form
            self._filters = form.cleaned_data if form.is_valid() else {}
        return self._filters

    def percents(self) -> dict[str, int]:
        if not hasattr(self, "_percents"):
            from .services import commission_percents

            self._percents = commission_percents()
        return self._percents

    def get_queryset(self) -> Any:
        data = self.chosen()
        return selectors.money_bookings(
            vendor=data.get("vendor"), start=data.get("start"), end=data.get("end")
        ).select_related("learner", "course_vendor", "stay_vendor", "course", "homestay")

    def decorate_paginated_queryset(self, object_list: Any) -> list[dict[str, Any]]:
        vendor = self.chosen().get("vendor")
        return selectors.vendor_money_rows(
            list(object_list), self.percents(), vendor.pk if vendor else None
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        data = self.chosen()
        vendor = data.get("vendor")
        context["filter_form"] = self._filter_form
        context["totals"] = selectors.vendor_money_totals(
            selectors.money_bookings(vendor=vendor, start=data.get("start"), end=data.get("end")),
            self.percents(),
            vendor.pk if vendor else None,
        )
        context["query"] = self.request.GET.urlencode()
        context["occupancy_url"] = reverse("abroad_occupancy_report")
        return context


@hooks.register("register_reports_menu_item")
def register_vendor_money_report_menu_item() -> MenuItem:
    return OccupancyReportMenuItem(
        _("Study abroad by vendor"),
        reverse_lazy("abroad_vendor_money_report"),
        icon_name="table",
        order=801,
    )


@hooks.register("register_admin_urls")
def register_vendor_money_report_url() -> list[Any]:
    return [
        path(
            "reports/abroad-vendors/",
            VendorMoneyReportView.as_view(),
            name="abroad_vendor_money_report",
        ),
        path(
            "reports/abroad-vendors/results/",
            VendorMoneyReportView.as_view(results_only=True),
            name="abroad_vendor_money_report_results",
        ),
    ]


# --- The vendor's dashboard (admin home panel) ------------------------------------------------


class VendorDashboardPanel(Component):
    name = "abroad_vendor_dashboard"
    template_name = "abroad/admin/vendor_dashboard_panel.html"
    order = 50

    def __init__(self, user: Any) -> None:
        self.user = user

    def get_context_data(self, parent_context: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return selectors.vendor_dashboard(self.user, timezone.now())


@hooks.register("construct_homepage_panels")
def add_vendor_dashboard(request: HttpRequest, panels: list[Any]) -> None:
    from cms.abroad.wagtail_hooks import is_vendor_only

    if is_vendor_only(request.user):
        panels.append(VendorDashboardPanel(request.user))
