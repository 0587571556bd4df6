"""Money rows are written by their apps' services only (payments, refunds, invoices, the
ledger, payouts, referrals, AI usage): the admin lists and inspects them, and decides
through dedicated screens that call those services. No generic add, edit or delete screen
of Wagtail's may exist for them, or a superuser could edit an issued invoice or a ledger
entry by hand."""

from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import Role
from payments.models import Invoice, Payment
from payments.services import confirm_demo_payment, start_checkout
from payouts.services import accrue_earning, request_payout

pytestmark = pytest.mark.django_db

# (URL prefix under /admin/, the generic screens it may still have and why)
MONEY_SCREENS = {
    "finance/payments/": set(),
    "finance/refunds/": set(),
    "finance/refunds-attention/": set(),
    "finance/invoices/": set(),
    "finance/ledger/": set(),
    "finance/payouts/": set(),
    "finance/referrals/": set(),
    "ai/usage/": set(),
    # Finance sets a payee's tier and payout schedule; payees come from onboarding.
    "finance/payees/": {"edit"},
    # "Add" is the adjustment form posting through credits.services.adjust_credits.
    "finance/credit-adjustments/": {"add"},
}
GENERIC = {"add", "edit", "delete", "copy"}


def _admin_routes() -> list[tuple[str, str]]:
    """Every (route, URL name) the Wagtail admin serves, with nested prefixes joined."""
    routes: list[tuple[str, str]] = []

    def walk(patterns, prefix: str) -> None:  # type: ignore[no-untyped-def]
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and pattern.name:
                routes.append((route, pattern.name))

    walk(get_resolver().url_patterns, "")
    return [
        (route.removeprefix("admin/"), name) for route, name in routes if route.startswith("admin/")
    ]


def test_no_generic_add_edit_or_delete_screen_exists_for_money_rows() -> None:
    routes = _admin_routes()
    for prefix, allowed in MONEY_SCREENS.items():
        names = {name for route, name in routes if route.startswith(prefix)}
        assert "index" in names, f"{prefix} lost its listing"
        assert names & GENERIC == allowed, f"{prefix} serves {sorted(names & GENERIC)}"


def test_a_superuser_cannot_edit_an_invoice_or_a_payout_by_url(
    client, settings, admin, teacher, student, package
) -> None:
    settings.PAYMENTS_DEMO_ENABLED = True
    checkout = start_checkout(
        student, purpose="credits", item={"package": "starter"}, provider="demo", currency="USD"
    )
    payment = Payment.objects.get(pk=checkout.payment.pk)
    confirm_demo_payment(payment, card="4242 4242 4242 4242")
    invoice = Invoice.objects.get(payment=payment)
    accrue_earning(
        teacher, gross=Decimal("100"), currency="USD", role=Role.TEACHER, idempotency_key="e"
    )
    payout = request_payout(
        teacher, amount=Decimal("50"), currency="USD", method="bank_transfer", idempotency_key="p"
    )
    client.force_login(admin)
    for url in (
        f"/admin/finance/payments/edit/{payment.pk}/",
        f"/admin/finance/payments/delete/{payment.pk}/",
        f"/admin/finance/payouts/edit/{payout.pk}/",
        f"/admin/finance/payouts/delete/{payout.pk}/",
        f"/admin/finance/invoices/edit/{invoice.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    # What finance reads still opens.
    assert client.get(f"/admin/finance/payments/inspect/{payment.pk}/").status_code == 200
    assert client.get(f"/admin/finance/payouts/inspect/{payout.pk}/").status_code == 200
    assert client.get(f"/admin/finance/invoices/inspect/{invoice.pk}/").status_code == 200
