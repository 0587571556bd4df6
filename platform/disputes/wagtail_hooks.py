"""Refund requests and disputes in the finance admin (menu "Finance"): two review queues,
waiting items first. Finance moderators (the "Finance" group, or anyone holding
``disputes.decide_refundrequest``) decide; decisions are in Wagtail's audit log."""

from typing import Any

import django_filters
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import URLPattern, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView

from core.admin_queues import ReviewQueueViewSet
from payments.finance_admin import FINANCE_MENU_HOOK

from . import admin_views
from .models import (
    Dispute,
    DisputeSource,
    DisputeStatus,
    RefundRequest,
    RefundRequestStatus,
)


@hooks.register("register_log_actions")
def register_dispute_log_actions(actions: Any) -> None:
    actions.register_action(
        "disputes.approve_refund_request", _("Approve refund request"), _("Refund approved")
    )
    actions.register_action(
        "disputes.decline_refund_request", _("Decline refund request"), _("Refund declined")
    )
    actions.register_action("disputes.decide_dispute", _("Decide dispute"), _("Dispute decided"))
    actions.register_action(
        "disputes.download_evidence", _("Download evidence"), _("Evidence file downloaded")
    )


@hooks.register("register_admin_urls")
def dispute_admin_urls() -> list[URLPattern]:
    return [
        path(
            "finance/evidence/<int:pk>/file/",
            admin_views.evidence_file,
            name="disputes_evidence_file",
        )
    ]


class RefundRequestFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=RefundRequestStatus.choices, empty_label=_("Any")
    )

    class Meta:
        model = RefundRequest
        fields: list[str] = []


class RefundRequestIndexView(IndexView):
    page_title = _("Refund requests")

    def get_base_queryset(self) -> QuerySet[RefundRequest]:
        return RefundRequest.objects.select_related("user", "payment").annotate(
            queue=Case(
                When(status=RefundRequestStatus.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )


class RefundRequestViewSet(ReviewQueueViewSet):
    model = RefundRequest
    icon = "redirect"
    menu_label = _("Refund requests")
    menu_hook = FINANCE_MENU_HOOK
    menu_order = 35
    url_prefix = "finance/refund-requests"
    name = "disputes_refund_requests"
    index_view_class = RefundRequestIndexView
    filterset_class = RefundRequestFilterSet
    search_fields = ["user__email", "payment__description"]
    ordering = ["queue", "-created_at"]
    list_per_page = 50
    form_fields: list[str] = []
    list_export = ["id", "created_at", "status", "reason", "amount_approved", "automatic"]
    decision_route = "decide"

    @property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn(
                "payment",
                label=_("Payment"),
                accessor=lambda r: (
                    f"{r.payment.description} · {r.payment.amount} {r.payment.currency}"
                ),
                url_name=self.get_url_name("edit"),
            ),
            Column("user", label=_("Learner"), accessor="user.email"),
            Column("reason", label=_("Reason"), accessor="get_reason_display"),
            Column("status", label=_("Status"), accessor="get_status_display"),
            DateColumn("created_at", label=_("Requested"), sort_key="created_at"),
        ]

    decision_view_class = admin_views.DecideRefundRequestView


class DisputeFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=DisputeStatus.choices, empty_label=_("Any")
    )
    source = django_filters.ChoiceFilter(
        label=_("Source"), choices=DisputeSource.choices, empty_label=_("Any")
    )

    class Meta:
        model = Dispute
        fields: list[str] = []


class DisputeIndexView(IndexView):
    page_title = _("Disputes")

    def get_base_queryset(self) -> QuerySet[Dispute]:
        return Dispute.objects.select_related("learner", "payment").annotate(
            queue=Case(
                When(status=DisputeStatus.DECIDED, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )


class DisputeViewSet(ReviewQueueViewSet):
    model = Dispute
    icon = "warning"
    menu_label = _("Disputes")
    menu_hook = FINANCE_MENU_HOOK
    menu_order = 36
    url_prefix = "finance/disputes"
    name = "disputes_disputes"
    index_view_class = DisputeIndexView
    filterset_class = DisputeFilterSet
    search_fields = ["learner__email", "provider_dispute_id", "payment__description"]
    ordering = ["queue", "-created_at"]
    list_per_page = 50
    form_fields: list[str] = []
    list_export = ["id", "created_at", "source", "status", "outcome", "amount", "amount_refunded"]
    decision_route = "decide"

    @property
    def list_display(self) -> list[Column]:
        return [
            TitleColumn(
                "payment",
                label=_("Payment"),
                accessor=lambda d: f"{d.payment.description} · {d.amount} {d.payment.currency}",
                url_name=self.get_url_name("edit"),
            ),
            Column("source", label=_("Source"), accessor="get_source_display"),
            Column("learner", label=_("Learner"), accessor="learner.email"),
            Column("status", label=_("Status"), accessor="get_status_display"),
            DateColumn("created_at", label=_("Opened"), sort_key="created_at"),
        ]

    decision_view_class = admin_views.DecideDisputeView


@hooks.register("register_admin_viewset")
def register_dispute_viewsets() -> list[ReviewQueueViewSet]:
    return [RefundRequestViewSet(), DisputeViewSet()]
