"""Extension points of the finance admin (the Finance and Pricing menus and the finance
dashboard) for the money apps built on payments.

payments sits below payouts and referrals (they import payments, never the reverse), so
those apps add their own admin screens here through Wagtail hooks instead of payments
importing them:

- a viewset with ``menu_hook = FINANCE_MENU_HOOK`` (or ``PRICING_MENU_HOOK``), registered
  with ``register_admin_viewset`` (or ``register_snippet``), appears in that menu, ordered by
  its ``menu_order``;
- a function registered as ``FINANCE_DASHBOARD_PANEL_HOOK`` returns a Wagtail ``Component``
  (with an ``order``) that the finance dashboard renders after its own sections.
"""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.admin.ui.components import Component

from core.api.errors import ServiceError

FINANCE_MENU_HOOK = "register_finance_menu_item"
PRICING_MENU_HOOK = "register_pricing_menu_item"
FINANCE_DASHBOARD_PANEL_HOOK = "register_finance_dashboard_panel"

finance_permission = permission_required("payments.change_payment", raise_exception=True)


def dashboard_panels() -> list[Component]:
    panels = [make_panel() for make_panel in hooks.get_hooks(FINANCE_DASHBOARD_PANEL_HOOK)]
    return sorted(panels, key=lambda panel: getattr(panel, "order", 0))


def decide(request: HttpRequest, action: Callable[[], object]) -> HttpResponse:
    """Runs one decision from a dashboard queue and goes back to the dashboard with its
    outcome as a message."""
    try:
        action()
        messages.success(request, "Done.")
    except ServiceError as error:
        messages.error(request, str(error.detail))
    return redirect("finance_dashboard")
