"""Website pages: request a refund of a payment, my refund requests, my disputes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.requests import user_of
from core.api.errors import ServiceError
from payments import selectors as payment_selectors

from . import selectors, services
from .forms import EvidenceForm, RefundRequestForm
from .models import RefundRequestStatus


@login_required
def request_refund(request: HttpRequest, payment_id: str) -> HttpResponse:
    payment = payment_selectors.own_payment(user_of(request), payment_id)
    form = RefundRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            refund_request = services.request_refund(
                user_of(request),
                payment_id=payment.pk,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                files=form.cleaned_data["evidence"],
            )
        except ServiceError as error:
            messages.error(request, str(error.detail))
        else:
            if refund_request.status == RefundRequestStatus.APPROVED:
                messages.success(
                    request,
                    _("Refund approved: %(amount)s %(currency)s are on their way back to you.")
                    % {"amount": refund_request.amount_approved, "currency": payment.currency},
                )
            else:
                messages.success(
                    request,
                    _("Your request was sent. Our finance team decides within a few days."),
                )
            return redirect("website-refund-requests")
    return TemplateResponse(
        request, "disputes/request_refund.html", {"payment": payment, "form": form}
    )


@login_required
def refund_requests(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "disputes/refund_requests.html",
        {"requests": selectors.refund_requests_of(user_of(request))[:100]},
    )


@login_required
def disputes(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(
        request,
        "disputes/disputes.html",
        {
            "disputes": selectors.disputes_of(user_of(request))[:100],
            "form": EvidenceForm(),
        },
    )


@login_required
@require_POST
def add_evidence(request: HttpRequest, dispute_id: str) -> HttpResponse:
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_dispute_evidence(
                user_of(request),
                dispute_id,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["evidence"],
            )
            messages.success(request, _("Thank you: your account was added to the dispute."))
        except ServiceError as error:
            messages.error(request, str(error.detail))
    else:
        messages.error(request, _("Write what happened before sending."))
    return redirect("website-disputes")
