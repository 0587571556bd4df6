"""Website pages: request a refund of a payment, my refund requests, report a problem, my
disputes and each dispute's page, where both sides add their evidence."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.requests import user_of
from core.api.errors import ServiceError
from core.downloads import PrivateFile, serve_private_file
from payments import selectors as payment_selectors

from . import selectors, services
from .errors import NotAParty
from .forms import EvidenceForm, RefundRequestForm, ReportProblemForm
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
    return redirect("website-dispute", dispute_id=dispute_id)


@login_required
def report_problem(request: HttpRequest, payment_id: str) -> HttpResponse:
    """The learner's "Report a problem" with a lesson, seat, package or stay: opens a
    complaint about its payment and lands on the dispute's page."""
    payment = payment_selectors.own_payment(user_of(request), payment_id)
    form = ReportProblemForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            dispute = services.report_problem(
                user_of(request),
                payment_id=payment.pk,
                reason=form.cleaned_data["reason"],
                files=form.cleaned_data["evidence"],
            )
        except ServiceError as error:
            messages.error(request, str(error.detail))
        else:
            messages.success(
                request,
                _("Your report was sent. The other side can answer here before our team decides."),
            )
            return redirect("website-dispute", dispute_id=dispute.pk)
    return TemplateResponse(
        request,
        "disputes/report_problem.html",
        {"payment": payment, "form": form, "back": request.GET.get("back", "")},
    )


def _own_dispute(request: HttpRequest, dispute_id: str) -> Any:
    try:
        return services.dispute_of(user_of(request), dispute_id)
    except NotAParty:
        raise Http404 from None


@login_required
def dispute_of_payment(request: HttpRequest, payment_id: str) -> HttpResponse:
    """Pages that know a payment, not its dispute (a teacher's disputed lesson), link here:
    the newest dispute about it that this person is a side of, else their disputes."""
    dispute = selectors.latest_dispute_of_payment(user_of(request), payment_id)
    if dispute is None:
        messages.info(request, _("There is no dispute about this payment that you are part of."))
        return redirect("website-disputes")
    return redirect("website-dispute", dispute_id=dispute.pk)


@login_required
def dispute_detail(request: HttpRequest, dispute_id: str) -> HttpResponse:
    dispute = _own_dispute(request, dispute_id)
    return TemplateResponse(
        request,
        "disputes/dispute.html",
        {
            "dispute": dispute,
            "evidence": selectors.evidence_of(dispute),
            "is_learner": dispute.learner_id == request.user.pk,
            "form": EvidenceForm(),
        },
    )


@login_required
def evidence_file(request: HttpRequest, dispute_id: str, evidence_id: int) -> HttpResponseBase:
    """An evidence file of a dispute, for its two sides only, as a download (never inline)."""
    dispute = _own_dispute(request, dispute_id)
    evidence = dispute.evidence.filter(pk=evidence_id).first()
    if evidence is None or not evidence.file:
        raise Http404
    from .admin_views import EVIDENCE_CONTENT_TYPES

    extension = (evidence.file.name or "").rsplit(".", 1)[-1].lower()
    content_type = EVIDENCE_CONTENT_TYPES.get(extension, "application/octet-stream")
    try:
        return serve_private_file(
            request,
            PrivateFile(
                evidence.file, content_type, f"evidence-{evidence.pk}.{extension}", inline=False
            ),
        )
    except FileNotFoundError:
        raise Http404 from None
