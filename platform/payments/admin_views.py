"""Finance screens in the Wagtail admin: the dashboard and the actions on its queues."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.requests import user_of
from core.api.errors import ServiceError

from . import services
from .dashboard import finance_summary
from .finance_admin import dashboard_panels, decide, finance_permission
from .forms import CreditAdjustmentForm, RefundForm, ResolveRefundForm
from .models import Payment, PaymentStatus, Refund, RefundStatus


@finance_permission
def dashboard(request: HttpRequest) -> HttpResponse:
    context = finance_summary()
    context["panels"] = dashboard_panels()
    return TemplateResponse(request, "payments/admin/finance_dashboard.html", context)


@permission_required("payments.add_refund", raise_exception=True)
def refund(request: HttpRequest, payment_id: str) -> HttpResponse:
    """The refund form of one payment (full or partial, with a reason)."""
    payment = get_object_or_404(Payment.objects.select_related("user"), pk=payment_id)
    inspect_url = reverse("finance_payments:inspect", args=[payment.pk])
    if payment.status != PaymentStatus.SUCCEEDED or payment.refundable <= 0:
        messages.error(request, "This payment has nothing left to refund.")
        return redirect(inspect_url)
    form = RefundForm(request.POST or None, payment=payment)
    if request.method == "POST" and form.is_valid():
        try:
            refund = services.refund_payment(
                payment,
                amount=form.cleaned_data["amount"],
                reason=form.cleaned_data["reason"],
                by=user_of(request),
                idempotency_key=f"admin-refund:{form.cleaned_data['nonce']}",
            )
        except ServiceError as error:
            form.add_error(None, str(error.detail))
        else:
            if refund.status == RefundStatus.SUCCEEDED:
                messages.success(
                    request, f"Refunded {refund.amount} {payment.currency} to {payment.user}."
                )
            elif refund.status in (RefundStatus.RETRYING, RefundStatus.ATTENTION):
                messages.error(request, _refund_outcome(refund))
            else:
                messages.warning(
                    request,
                    f"The refund of {refund.amount} {payment.currency} was sent to "
                    f"{payment.get_provider_display()}; it completes when they confirm it.",
                )
            return redirect(inspect_url)
    return TemplateResponse(
        request,
        "payments/admin/refund.html",
        {"payment": payment, "form": form, "inspect_url": inspect_url},
    )


def _refund_outcome(refund: Refund) -> str:
    money = f"{refund.amount} {refund.payment.currency}"
    if refund.status == RefundStatus.SUCCEEDED:
        return f"Refunded {money} to {refund.payment.user}."
    if refund.status == RefundStatus.RETRYING:
        when = refund.next_retry_at.strftime("%Y-%m-%d %H:%M UTC") if refund.next_retry_at else ""
        return (
            f"The provider did not refund {money} ({refund.last_error}). "
            f"It is sent again automatically at {when}."
        )
    if refund.status == RefundStatus.ATTENTION:
        return f"The refund of {money} was not made: {refund.last_error}"
    return f"The refund of {money} was sent; it completes when the provider confirms it."


@permission_required("payments.add_refund", raise_exception=True)
def retry_refund(request: HttpRequest, refund_id: str) -> HttpResponse:
    """ "Retry now" for a refund the provider failed: a confirmation page, and on POST one
    send through the same service as the automatic retries."""
    refund = get_object_or_404(Refund.objects.select_related("payment__user"), pk=refund_id)
    back = reverse("finance_refund_attention:index")
    if not refund.can_retry_now:
        messages.error(request, "This refund is not waiting for a retry.")
        return redirect(back)
    if request.method == "POST":
        retried = services.retry_refund(str(refund.pk), force=True)
        if retried is None:
            messages.warning(request, "This refund is being sent right now. Look again shortly.")
        elif retried.status == RefundStatus.SUCCEEDED:
            messages.success(request, _refund_outcome(retried))
        elif retried.status == RefundStatus.PENDING:
            messages.warning(request, _refund_outcome(retried))
        else:
            messages.error(request, _refund_outcome(retried))
        return redirect(back)
    return TemplateResponse(
        request, "payments/admin/retry_refund.html", {"refund": refund, "back_url": back}
    )


@permission_required("payments.add_refund", raise_exception=True)
def resolve_refund(request: HttpRequest, refund_id: str) -> HttpResponse:
    """ "Mark resolved" for a refund needing attention: the customer got the money back
    another way. A form with a required note; on POST the refund is booked as made and
    leaves the attention list."""
    refund = get_object_or_404(Refund.objects.select_related("payment__user"), pk=refund_id)
    back = reverse("finance_refund_attention:index")
    if not refund.can_resolve:
        messages.error(request, "Only a refund needing a finance admin can be marked resolved.")
        return redirect(back)
    form = ResolveRefundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resolve_refund(refund, by=user_of(request), note=form.cleaned_data["note"])
        except ServiceError as error:
            form.add_error(None, str(error.detail))
        else:
            messages.success(
                request,
                f"Refund of {refund.amount} {refund.payment.currency} to "
                f"{refund.payment.user} marked resolved.",
            )
            return redirect(back)
    return TemplateResponse(
        request,
        "payments/admin/resolve_refund.html",
        {"refund": refund, "form": form, "back_url": back},
    )


@finance_permission
@require_POST
def confirm_bank_transfer(request: HttpRequest, payment_id: str) -> HttpResponse:
    payment = get_object_or_404(Payment, pk=payment_id)
    return decide(request, lambda: services.confirm_bank_transfer(payment, by=user_of(request)))


@permission_required("credits.add_creditadjustment", raise_exception=True)
def adjust_credits(request: HttpRequest) -> HttpResponse:
    """Grant or deduct a learner's credits through the ledger, with a reason (the finance
    role's form; ``?email=`` fills in the learner)."""
    from credits.services import adjust_credits as post_adjustment

    initial = {"email": request.GET.get("email", "")}
    form = CreditAdjustmentForm(request.POST or None, initial=initial)
    back = reverse("finance_credit_adjustments:index")
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = post_adjustment(
                form.user,
                form.signed_credits(),
                reason=form.cleaned_data["reason"],
                by=user_of(request),
                idempotency_key=f"admin-adjustment:{form.cleaned_data['nonce']}",
            )
        except ServiceError as error:
            form.add_error(None, str(error.detail))
        else:
            verb = "Granted" if adjustment.credits > 0 else "Deducted"
            messages.success(
                request, f"{verb} {abs(adjustment.credits)} credits for {adjustment.user}."
            )
            return redirect(back)
    return TemplateResponse(
        request, "payments/admin/adjust_credits.html", {"form": form, "back_url": back}
    )


@finance_permission
def tax_report(request: HttpRequest) -> HttpResponse:
    """The tax report per period: a form, and the CSV for the chosen dates."""
    import csv

    from .forms import TaxReportForm
    from .selectors import tax_report as report_rows

    form = TaxReportForm(request.GET or None)
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="tax-report-{start}-{end}.csv"'
        csv.writer(response).writerows(report_rows(start, end))
        return response
    return TemplateResponse(request, "payments/admin/tax_report.html", {"form": form})
