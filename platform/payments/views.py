"""Website pages: wallet (buy credits, subscribe), checkout, payment history and invoices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.requests import user_of
from accounts.selectors import is_email_verified
from core.api.errors import ServiceError
from credits import selectors as credit_selectors

from . import selectors, services
from .conf import demo_enabled, setting, website_card_provider, website_providers
from .forms import BillingDetailsForm
from .invoices import render_pdf
from .models import PaymentStatus, Provider


@login_required
def wallet(request: HttpRequest) -> HttpResponse:
    context = {
        "wallet": credit_selectors.wallet_summary(user_of(request)),
        "packages": credit_selectors.active_packages(),
        "plans": credit_selectors.active_plans().filter(prices__isnull=False).distinct(),
        "transactions": credit_selectors.transactions_for(user_of(request))[:20],
        "verified": is_email_verified(user_of(request)),
        # The demo card is offered wherever it is on, and preselected without Stripe keys.
        "demo_enabled": demo_enabled(),
        "card_provider": website_card_provider(),
        "one_off_providers": website_providers(),
        "subscription_providers": website_providers(recurring=True),
        # Package prices are shown as the operator set them: tax included or added on top
        # (plans are Stripe prices, always tax included: see payments.tax).
        "prices_include_tax": bool(setting("TAX_PRICES_INCLUDE_TAX")),
    }
    return TemplateResponse(request, "credits/wallet.html", context)


@login_required
def billing_details(request: HttpRequest) -> HttpResponse:
    """The buyer's billing country and VAT/GST number, printed on their next invoices."""
    user = user_of(request)
    form = BillingDetailsForm(instance=selectors.billing_details_of(user))
    if request.method == "POST":
        form = BillingDetailsForm(request.POST, instance=selectors.billing_details_of(user))
        if form.is_valid():
            services.save_billing_details(
                user, country=form.cleaned_data["country"], tax_id=form.cleaned_data["tax_id"]
            )
            messages.success(request, _("Saved: your next invoices will show them."))
            return redirect("website-billing")
    return TemplateResponse(
        request, "payments/billing.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    if not is_email_verified(user_of(request)):
        messages.error(request, "Verify your email address before paying.")
        return redirect("website-wallet")
    purpose = request.POST.get("purpose", "credits")
    key = "plan" if purpose == "subscription" else "package"
    try:
        result = services.start_checkout(
            user_of(request),
            purpose=purpose,
            item={key: request.POST.get("item", "")},
            provider=request.POST.get("provider", website_card_provider()),
            currency=request.POST.get("currency", "USD"),
        )
    except ServiceError as error:
        messages.error(request, str(error.detail))
        return redirect("website-wallet")
    return TemplateResponse(
        request, "payments/checkout.html", {"payment": result.payment, "client": result.client}
    )


@login_required
@require_POST
def cancel_subscription(request: HttpRequest, pk: int) -> HttpResponse:
    """The wallet's "Cancel subscription": the plan stays until the paid period ends and is
    not renewed (the same service as the API's)."""
    subscription = credit_selectors.subscription_of(user_of(request), pk)
    if subscription is None:
        messages.error(request, _("No such subscription of yours."))
        return redirect("website-wallet")
    try:
        subscription = services.cancel_subscription(user_of(request), subscription)
    except ServiceError as error:
        messages.error(request, str(error.detail))
        return redirect("website-wallet")
    ends = subscription.current_period_end
    messages.success(
        request,
        _("Your subscription is cancelled: it stays until %(date)s and is not renewed.")
        % {"date": date_format(ends, "DATE_FORMAT")}
        if ends
        else _("Your subscription is cancelled: it is not renewed."),
    )
    return redirect("website-wallet")


@login_required
def payment_done(request: HttpRequest, payment_id: str) -> HttpResponse:
    """Where a card form lands after paying: says how the payment went and leads on to what
    was bought (``next``: the lesson, the pack; the wallet otherwise)."""
    payment = selectors.own_payment(user_of(request), payment_id)
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("website-wallet")
    amount = f"{payment.amount} {payment.currency}"
    if payment.status == PaymentStatus.SUCCEEDED:
        demo = (
            " Demo payment: no real money was taken." if payment.provider == Provider.DEMO else ""
        )
        messages.success(request, f"Payment received: {payment.description} ({amount}).{demo}")
    elif payment.status == PaymentStatus.PENDING:
        messages.info(request, "Your payment is being confirmed; this can take a moment.")
    else:
        reason = f" {payment.failure_reason}" if payment.failure_reason else ""
        messages.error(request, f"The payment of {amount} did not go through.{reason}")
    return redirect(next_url)


@login_required
def history(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "payments/history.html",
        {"payments": selectors.payments_for(user_of(request))[:100]},
    )


@login_required
def invoice(request: HttpRequest, payment_id: str) -> HttpResponse:
    document = selectors.invoice_for(user_of(request), payment_id, request.GET.get("number"))
    response = HttpResponse(render_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.number}.pdf"'
    return response
