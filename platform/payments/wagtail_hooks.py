"""Finance in the Wagtail admin: pricing snippets, payments, refunds, invoices, the ledger per
user and the dashboard with its queues. Payouts and referrals add their own screens to these
menus and the dashboard (payments.finance_admin)."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus import MenuItem as ListMenuItem
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.admin_queues import ReviewQueueViewSet
from credits.models import CreditAdjustment, CreditPackage, Entry, FeaturePrice, Plan

from . import admin_views
from .finance_admin import FINANCE_MENU_HOOK, PRICING_MENU_HOOK
from .models import Invoice, Payment, PaymentStatus, Refund, RefundStatus, TaxRate


def refund_url(user, payment: Payment) -> str | None:  # type: ignore[no-untyped-def]
    """The refund form of ``payment``, for those allowed to refund and while there is
    something left to refund."""
    if (
        payment.status == PaymentStatus.SUCCEEDED
        and payment.refundable > 0
        and user.has_perm("payments.add_refund")
    ):
        return reverse("finance_refund", args=[payment.pk])
    return None


class PaymentIndexView(IndexView):
    def get_list_more_buttons(self, instance: Payment) -> list:
        buttons = super().get_list_more_buttons(instance)
        if url := refund_url(self.request.user, instance):
            buttons.append(ListMenuItem("Refund", url=url, icon_name="undo", priority=40))
        return buttons


class PaymentInspectView(InspectView):
    def get_header_buttons(self) -> list:
        buttons = super().get_header_buttons()
        if url := refund_url(self.request.user, self.object):
            buttons.append(HeaderButton("Refund", url=url, icon_name="undo"))
        return buttons


def retry_url(user, refund: Refund) -> str | None:  # type: ignore[no-untyped-def]
    """ "Retry now" for a refund the provider failed, for those allowed to refund."""
    if refund.can_retry_now and user.has_perm("payments.add_refund"):
        return reverse("finance_refund_retry", args=[refund.pk])
    return None


def resolve_url(user, refund: Refund) -> str | None:  # type: ignore[no-untyped-def]
    """ "Mark resolved" for a refund needing a finance admin, for those allowed to refund."""
    if refund.can_resolve and user.has_perm("payments.add_refund"):
        return reverse("finance_refund_resolve", args=[refund.pk])
    return None


class RefundIndexView(IndexView):
    def get_base_queryset(self):  # type: ignore[no-untyped-def]
        # Refund.__str__ shows the payment's currency.
        return super().get_base_queryset().select_related("payment")

    def get_list_more_buttons(self, instance: Refund) -> list:
        buttons = super().get_list_more_buttons(instance)
        if url := retry_url(self.request.user, instance):
            buttons.append(ListMenuItem("Retry now", url=url, icon_name="rotate", priority=40))
        if url := resolve_url(self.request.user, instance):
            buttons.append(ListMenuItem("Mark resolved", url=url, icon_name="tick", priority=41))
        return buttons


class RefundInspectView(InspectView):
    def get_header_buttons(self) -> list:
        buttons = super().get_header_buttons()
        if url := retry_url(self.request.user, self.object):
            buttons.append(HeaderButton("Retry now", url=url, icon_name="rotate"))
        if url := resolve_url(self.request.user, self.object):
            buttons.append(HeaderButton("Mark resolved", url=url, icon_name="tick"))
        return buttons


class AttentionRefundIndexView(RefundIndexView):
    page_title = "Refunds needing attention"

    def get_base_queryset(self):  # type: ignore[no-untyped-def]
        return (
            super()
            .get_base_queryset()
            .filter(status__in=[RefundStatus.ATTENTION, RefundStatus.RETRYING])
        )


class PlanViewSet(SnippetViewSet):
    model = Plan
    icon = "pick"
    list_display = ["name", "slug", "interval", "monthly_free_credits", "unlimited_ai", "active"]
    list_filter = ["active", "interval"]


class CreditPackageViewSet(SnippetViewSet):
    model = CreditPackage
    icon = "tag"
    list_display = ["name", "credits", "active"]


class FeaturePriceViewSet(SnippetViewSet):
    model = FeaturePrice
    icon = "cog"
    menu_label = "AI credit prices"
    list_display = ["feature", "label", "unit", "credits_per_unit", "active"]
    search_fields = ["feature", "label"]


class TaxRateViewSet(SnippetViewSet):
    model = TaxRate
    icon = "percent"
    menu_label = "Tax rates"
    list_display = ["country", "product", "name", "rate"]
    list_filter = ["product", "country"]
    search_fields = ["country", "name"]


class PricingGroup(SnippetViewSetGroup):
    # Subscription plans, credit packages and AI credit prices, with other apps' reward
    # and price rules added through PRICING_MENU_HOOK (gamification's XP rules).
    menu_label = "Monetisation"
    menu_icon = "tag"
    menu_order = 8100
    items = (PlanViewSet, CreditPackageViewSet, FeaturePriceViewSet, TaxRateViewSet)
    submenu_hook = PRICING_MENU_HOOK


register_snippet(PricingGroup)


class PaymentViewSet(ReviewQueueViewSet):
    model = Payment
    read_only = True
    name = "finance_payments"
    url_prefix = "finance/payments"
    icon = "doc-full"
    add_to_admin_menu = False
    index_view_class = PaymentIndexView
    inspect_view_class = PaymentInspectView
    inspect_view_enabled = True
    list_display = ["description", "user", "amount", "currency", "provider", "status", "created_at"]
    list_filter = ["status", "provider", "currency", "purpose"]
    search_fields = ["description", "user__email", "provider_order_id"]
    list_export = [
        "id",
        "user",
        "purpose",
        "amount",
        "currency",
        "provider",
        "status",
        "amount_refunded",
        "created_at",
    ]


class RefundViewSet(ReviewQueueViewSet):
    model = Refund
    read_only = True
    name = "finance_refunds"
    url_prefix = "finance/refunds"
    icon = "undo"
    index_view_class = RefundIndexView
    inspect_view_class = RefundInspectView
    inspect_view_enabled = True
    list_display = ["payment", "amount", "status", "attempts", "reason", "created_at"]
    list_filter = ["status"]
    inspect_view_fields = [
        "payment",
        "amount",
        "reason",
        "status",
        "provider_refund_id",
        "attempts",
        "last_error",
        "failures",
        "resolved_by",
        "resolved_at",
        "resolution_note",
        "created_at",
        "completed_at",
    ]


class AttentionRefundViewSet(ReviewQueueViewSet):
    """Refunds a provider failed: those still retried automatically and those that need a
    finance admin (refused, retries exhausted, or failed after the provider accepted
    them), with "Retry now" and "Mark resolved" buttons."""

    model = Refund
    read_only = True
    name = "finance_refund_attention"
    url_prefix = "finance/refunds-attention"
    icon = "warning"
    menu_label = "Refunds needing attention"
    index_view_class = AttentionRefundIndexView
    inspect_view_enabled = False
    list_display = [
        "payment",
        "amount",
        "status",
        "attempts",
        "last_error",
        "next_retry_at",
        "created_at",
    ]
    list_filter = ["status"]


class InvoiceViewSet(ReviewQueueViewSet):
    model = Invoice
    read_only = True
    name = "finance_invoices"
    url_prefix = "finance/invoices"
    icon = "doc-empty"
    inspect_view_enabled = True
    list_display = ["number", "kind", "net_amount", "tax_amount", "amount", "currency", "issued_at"]
    list_filter = ["kind", "currency"]
    search_fields = ["number"]
    inspect_view_fields = [
        "number",
        "kind",
        "payment",
        "billed_to",
        "description",
        "net_amount",
        "tax_name",
        "tax_rate",
        "tax_amount",
        "amount",
        "currency",
        "seller_tax_id",
        "buyer_tax_id",
        "issued_at",
    ]


class LedgerViewSet(ReviewQueueViewSet):
    """The ledger per user: filter by the account holder."""

    model = Entry
    read_only = True
    name = "finance_ledger"
    url_prefix = "finance/ledger"
    icon = "list-ul"
    menu_label = "Ledger"
    menu_order = 90
    inspect_view_enabled = True
    list_display = ["created_at", "account", "currency", "amount", "balance_after", "transfer"]
    list_filter = ["currency", "account__kind", "account__owner"]
    search_fields = ["account__owner__email", "transfer__idempotency_key"]
    list_export = ["created_at", "account", "currency", "amount", "balance_after", "transfer"]


class ReadOnlyLinks:
    """Adjustments are never edited or deleted (the ledger is append-only): a correction is
    a new adjustment."""

    def get_edit_url(self, *args: object) -> None:
        return None

    def get_delete_url(self, *args: object) -> None:
        return None

    def get_copy_url(self, *args: object) -> None:
        return None


class CreditAdjustmentIndexView(ReadOnlyLinks, IndexView):
    def get_base_queryset(self):  # type: ignore[no-untyped-def]
        return super().get_base_queryset().select_related("user", "by")


class CreditAdjustmentInspectView(ReadOnlyLinks, InspectView):
    pass


class CreditAdjustmentViewSet(ModelViewSet):
    """Credits granted or deducted by finance admins; "Add" opens the adjustment form (it
    posts through ``credits.services.adjust_credits``, never by editing a balance)."""

    model = CreditAdjustment
    name = "finance_credit_adjustments"
    url_prefix = "finance/credit-adjustments"
    icon = "tag"
    menu_label = "Credit adjustments"
    menu_order = 80
    index_view_class = CreditAdjustmentIndexView
    inspect_view_class = CreditAdjustmentInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["created_at", "user", "credits", "reason", "by"]
    search_fields = ["user__email", "reason"]
    form_fields = ["reason"]
    inspect_view_fields = ["user", "credits", "reason", "by", "transfer", "created_at"]

    def get_urlpatterns(self) -> list:
        kept = [p for p in super().get_urlpatterns() if p.name not in {"add", "edit", "delete"}]
        return [path("new/", admin_views.adjust_credits, name="add"), *kept]


class FinanceGroup(ViewSetGroup):
    menu_label = "Finance"
    menu_icon = "form"
    menu_order = 8000
    items = (
        PaymentViewSet,
        RefundViewSet,
        AttentionRefundViewSet,
        InvoiceViewSet,
        LedgerViewSet,
        CreditAdjustmentViewSet,
    )
    submenu_hook = FINANCE_MENU_HOOK


@hooks.register("register_admin_viewset")
def register_finance_viewsets() -> FinanceGroup:
    return FinanceGroup()


@hooks.register("register_log_actions")
def register_payments_log_actions(actions) -> None:  # type: ignore[no-untyped-def]
    actions.register_action(
        "payments.resolve_refund", "Mark refund resolved", "Refund marked resolved"
    )
    actions.register_action("credits.adjust", "Adjust credits", "Credits adjusted")


@hooks.register("register_admin_urls")
def finance_urls() -> list:
    return [
        path("finance/", admin_views.dashboard, name="finance_dashboard"),
        path(
            "finance/payments/<uuid:payment_id>/refund/", admin_views.refund, name="finance_refund"
        ),
        path(
            "finance/refunds/<uuid:refund_id>/retry/",
            admin_views.retry_refund,
            name="finance_refund_retry",
        ),
        path(
            "finance/refunds/<uuid:refund_id>/resolve/",
            admin_views.resolve_refund,
            name="finance_refund_resolve",
        ),
        path("finance/tax-report/", admin_views.tax_report, name="finance_tax_report"),
        path(
            "finance/payments/<uuid:payment_id>/confirm/",
            admin_views.confirm_bank_transfer,
            name="finance_confirm_bank_transfer",
        ),
    ]


class FinanceDashboardMenuItem(MenuItem):
    def is_shown(self, request) -> bool:  # type: ignore[no-untyped-def]
        return request.user.has_perm("payments.change_payment")


@hooks.register("register_admin_menu_item")
def finance_dashboard_menu_item() -> MenuItem:
    return FinanceDashboardMenuItem(
        "Finance dashboard", reverse("finance_dashboard"), icon_name="view", order=7990
    )


class TaxReportMenuItem(MenuItem):
    def is_shown(self, request) -> bool:  # type: ignore[no-untyped-def]
        return request.user.has_perm("payments.change_payment")


@hooks.register(FINANCE_MENU_HOOK)
def tax_report_menu_item() -> MenuItem:
    return TaxReportMenuItem(
        "Tax report", reverse("finance_tax_report"), icon_name="doc-full", order=95
    )
