"""Payouts in the finance admin: the payout queue, payees, commission rules, and the
dashboard's approval queue (added through payments.finance_admin's hooks)."""

from typing import Any

from django.db.models import Count, Sum
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic import InspectView
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from core.admin_queues import ReviewQueueViewSet
from payments.dashboard import bars
from payments.finance_admin import (
    FINANCE_DASHBOARD_PANEL_HOOK,
    FINANCE_MENU_HOOK,
    PRICING_MENU_HOOK,
)

from . import admin_views
from .models import CommissionRule, PayeeProfile, PayoutRequest, PayoutStatus, TaxDocument


class CommissionRuleViewSet(SnippetViewSet):
    model = CommissionRule
    icon = "form"
    list_display = ["role", "tier", "rate_percent"]
    list_filter = ["role"]
    menu_hook = PRICING_MENU_HOOK
    menu_order = 40


register_snippet(CommissionRuleViewSet)


class PayoutRequestViewSet(ReviewQueueViewSet):
    """Payout requests come from payees and are paid or rejected on the finance dashboard
    (``admin_views.decide_payout``, through the payouts services): here they are only
    listed and inspected, never edited or deleted."""

    model = PayoutRequest
    read_only = True
    name = "finance_payouts"
    url_prefix = "finance/payouts"
    icon = "redirect"
    menu_label = "Payout queue"
    menu_hook = FINANCE_MENU_HOOK
    menu_order = 50
    inspect_view_enabled = True
    list_display = ["payee", "amount", "currency", "method", "status", "requested_at"]
    list_filter = ["status", "method", "currency"]


class PayeeInspectView(InspectView):
    """The payee with the bank account masked (``•••• 1332``); those holding
    ``payouts.reveal_bank_details`` get a Reveal button (admin_views.reveal_bank_account)."""

    template_name = "payouts/admin/payee_inspect.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["can_reveal"] = user.has_perm("payouts.reveal_bank_details")
        context["reveal_url"] = reverse("finance_payee_reveal", args=[self.object.pk])
        context["tax_documents"] = (
            TaxDocument.objects.filter(payee_id=self.object.user_id)
            if user.has_perm("payouts.view_taxdocument")
            else None
        )
        return context


class PayeeProfileViewSet(ReviewQueueViewSet):
    """Payees for finance. The bank account is the payee's to set (on the website) and is
    shown masked here; the form holds only what finance decides (tier, payout schedule).
    Payees are made by sign-up and onboarding, so nothing is added or deleted here."""

    model = PayeeProfile
    name = "finance_payees"
    url_prefix = "finance/payees"
    icon = "user"
    menu_hook = FINANCE_MENU_HOOK
    menu_order = 60
    inspect_view_enabled = True
    inspect_view_class = PayeeInspectView
    inspect_view_fields = [
        "user",
        "tier",
        "masked_account_holder",
        "masked_account_number",
        "bank_name",
        "bank_country",
        "stripe_account_id",
        "scheduled_payouts",
        "minimum_payout",
    ]
    list_display = [
        "user",
        "tier",
        "masked_account_number",
        "bank_country",
        "scheduled_payouts",
        "stripe_account_id",
    ]
    form_fields = ["tier", "stripe_account_id", "scheduled_payouts", "minimum_payout"]

    def get_decision_view(self) -> Any:
        return self.edit_view


@hooks.register("register_admin_viewset")
def register_payout_viewsets() -> list[ReviewQueueViewSet]:
    return [PayoutRequestViewSet(), PayeeProfileViewSet()]


@hooks.register("register_admin_urls")
def payout_admin_urls() -> list:
    return [
        path("finance/payouts/<int:payout_id>/", admin_views.decide_payout, name="finance_payout"),
        path(
            "finance/payees/<int:pk>/reveal/",
            admin_views.reveal_bank_account,
            name="finance_payee_reveal",
        ),
        path(
            "finance/tax-documents/<uuid:document_id>/",
            admin_views.tax_document_file,
            name="finance_tax_document",
        ),
    ]


@hooks.register("register_log_actions")
def register_payout_log_actions(actions: Any) -> None:
    actions.register_action(
        "payouts.reveal_bank_details", _("Reveal bank details"), _("Bank details revealed")
    )


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
