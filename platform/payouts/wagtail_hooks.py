"""Payouts in the finance admin: the payout queue, payees, commission rules, and the
dashboard's approval queue (added through payments.finance_admin's hooks)."""

from typing import Any

from django.db.models import Count, Sum
from django.urls import path
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from payments.dashboard import bars
from payments.finance_admin import (
    FINANCE_DASHBOARD_PANEL_HOOK,
    FINANCE_MENU_HOOK,
    PRICING_MENU_HOOK,
)

from . import admin_views
from .models import CommissionRule, PayeeProfile, PayoutRequest, PayoutStatus


class CommissionRuleViewSet(SnippetViewSet):
    model = CommissionRule
    icon = "form"
    list_display = ["role", "tier", "rate_percent"]
    list_filter = ["role"]
    menu_hook = PRICING_MENU_HOOK
    menu_order = 40


register_snippet(CommissionRuleViewSet)


class PayoutRequestViewSet(ModelViewSet):
    model = PayoutRequest
    name = "finance_payouts"
    url_prefix = "finance/payouts"
    icon = "redirect"
    menu_label = "Payout queue"
    menu_hook = FINANCE_MENU_HOOK
    menu_order = 50
    inspect_view_enabled = True
    list_display = ["payee", "amount", "currency", "method", "status", "requested_at"]
    list_filter = ["status", "method", "currency"]
    form_fields = ["note"]


class PayeeProfileViewSet(ModelViewSet):
    model = PayeeProfile
    name = "finance_payees"
    url_prefix = "finance/payees"
    icon = "user"
    menu_hook = FINANCE_MENU_HOOK
    menu_order = 60
    list_display = ["user", "tier", "scheduled_payouts", "stripe_account_id"]
    form_fields = [
        "user",
        "tier",
        "stripe_account_id",
        "bank_details",
        "scheduled_payouts",
        "minimum_payout",
    ]


@hooks.register("register_admin_viewset")
def register_payout_viewsets() -> list[ModelViewSet]:
    return [PayoutRequestViewSet(), PayeeProfileViewSet()]


@hooks.register("register_admin_urls")
def payout_admin_urls() -> list:
    return [
        path("finance/payouts/<int:payout_id>/", admin_views.decide_payout, name="finance_payout")
    ]


class PayoutQueuePanel(Component):
    """Outstanding payouts per currency and the requests waiting for a decision."""

    order = 100
    template_name = "payouts/admin/finance_payout_queue.html"

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        waiting = PayoutRequest.objects.filter(status=PayoutStatus.REQUESTED)
        outstanding = [
            (row["currency"], row["total"])
            for row in waiting.values("currency")
            .annotate(total=Sum("amount"), n=Count("id"))
            .order_by("currency")
        ]
        return {
            "outstanding_payouts": bars(outstanding),
            "payout_queue": waiting.select_related("payee")[:50],
        }


@hooks.register(FINANCE_DASHBOARD_PANEL_HOOK)
def payout_queue_panel() -> Component:
    return PayoutQueuePanel()
