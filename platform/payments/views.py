"""Website pages: wallet (buy credits, subscribe), checkout, payment history and invoices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from accounts.requests import user_of
from accounts.selectors import is_email_verified
from core.api.errors import ServiceError
from credits import selectors as credit_selectors

from . import selectors, services
from .invoices import render_pdf


@login_required
def wallet(request: HttpRequest) -> HttpResponse:
    context = {
        "wallet": credit_selectors.wallet_summary(user_of(request)),
        "packages": credit_selectors.active_packages(),
        "plans": credit_selectors.active_plans().filter(prices__isnull=False).distinct(),
        "transactions": credit_selectors.transactions_for(user_of(request))[:20],
        "verified": is_email_verified(user_of(request)),
    }
    return TemplateResponse(request, "credits/wallet.html", context)


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
            provider=request.POST.get("provider", "stripe"),
            currency=request.POST.get("currency", "USD"),
        )
    except ServiceError as error:
        messages.error(request, str(error.detail))
        return redirect("website-wallet")
    return TemplateResponse(
        request, "payments/checkout.html", {"payment": result.payment, "client": result.client}
    )


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
