"""Referrals in the finance admin: the referral list and the dashboard's flagged referrals
(added through payments.finance_admin's hooks)."""

from typing import Any

from django.urls import path
from wagtail import hooks
from wagtail.admin.ui.components import Component

from core.admin_queues import ReviewQueueViewSet
from payments.finance_admin import FINANCE_DASHBOARD_PANEL_HOOK, FINANCE_MENU_HOOK

from . import admin_views
from .models import Referral, ReferralStatus


class ReferralViewSet(ReviewQueueViewSet):
    """Referrals are made at sign-up and decided (approve or reject a flagged one) on the
    finance dashboard through ``referrals.services``: here they are listed and inspected,
    never edited (the generic form would set ``status`` past the service's rules)."""

    model = Referral
    read_only = True
    name = "finance_referrals"
    url_prefix = "finance/referrals"
    icon = "group"
    menu_hook = FINANCE_MENU_HOOK
    menu_order = 70
    inspect_view_enabled = True
    list_display = ["referrer", "referred", "status", "flags", "created_at"]
    list_filter = ["status"]
    search_fields = ["referrer__email", "referred__email", "code"]


@hooks.register("register_admin_viewset")
def register_referral_viewset() -> ReviewQueueViewSet:
    return ReferralViewSet()


@hooks.register("register_admin_urls")
def referral_admin_urls() -> list:
    return [
        path(
            "finance/referrals/<int:referral_id>/",
            admin_views.decide_referral,
            name="finance_referral",
        )
    ]


class FlaggedReferralsPanel(Component):
    order = 200
    template_name = "referrals/admin/finance_flagged_referrals.html"

    def get_context_data(self, parent_context: Any = None) -> dict[str, Any]:
        flagged = Referral.objects.filter(status=ReferralStatus.FLAGGED)
        return {"flagged_referrals": flagged.select_related("referrer", "referred")[:50]}


@hooks.register(FINANCE_DASHBOARD_PANEL_HOOK)
def flagged_referrals_panel() -> Component:
    return FlaggedReferralsPanel()
