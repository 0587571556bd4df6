"""Decision screens of the refund-request and dispute queues (finance moderators: the
``disputes.decide_refundrequest`` permission). The services move the money, tell both sides
and write the audit log."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseForbidden,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from wagtail.log_actions import log

from accounts.requests import user_of
from core.api.errors import ServiceError
from core.downloads import PrivateFile, serve_private_file
from core.uploads import EXTENSIONS

from . import services
from .models import Dispute, DisputeOutcome, Evidence, RefundRequest

DECIDE_PERMISSION = "disputes.decide_refundrequest"


class RefundDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(
        label=_("Amount to refund"),
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
        help_text=_("Leave empty to refund everything still refundable."),
    )
    note = forms.CharField(
        label=_("Reason (sent to the learner)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class DisputeDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=DisputeOutcome.choices, widget=forms.RadioSelect
    )
    amount = forms.DecimalField(
        label=_("Amount (partial refund only)"),
        required=False,
        min_value=Decimal("0.01"),
        decimal_places=2,
    )
    reason = forms.CharField(
        label=_("Reason (sent to both sides)"), widget=forms.Textarea(attrs={"rows": 3})
    )


def _can_decide(request: HttpRequest) -> bool:
    return request.user.has_perm(DECIDE_PERMISSION)


def decide_refund_request(request: HttpRequest, pk: str, *, viewset: Any) -> HttpResponse:
    if not request.user.has_perm("disputes.view_refundrequest") and not _can_decide(request):
        raise PermissionDenied
    refund_request = get_object_or_404(
        RefundRequest.objects.select_related("payment", "user", "refund"), pk=pk
    )
    index_url = reverse(viewset.get_url_name("index"))
    form = RefundDecisionForm(request.POST or None)
    if request.method == "POST":
        if not _can_decide(request):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.decide_refund_request(
                    refund_request.pk,
                    by=user_of(request),
                    approve=form.cleaned_data["decision"] == "approve",
                    amount=form.cleaned_data["amount"],
                    note=form.cleaned_data["note"],
                )
            except ServiceError as error:
                messages.error(request, str(error.detail))
            else:
                messages.success(request, _("Refund request decided."))
                return redirect(index_url)
    return TemplateResponse(
        request,
        "disputes/admin/decide_refund_request.html",
        {
            "item": refund_request,
            "evidence": refund_request.evidence.select_related("author"),
            "form": form,
            "can_decide": _can_decide(request),
            "index_url": index_url,
            "history_url": reverse(viewset.get_url_name("history"), args=[refund_request.pk]),
        },
    )


def decide_dispute(request: HttpRequest, pk: str, *, viewset: Any) -> HttpResponse:
    if not request.user.has_perm("disputes.view_dispute") and not _can_decide(request):
        raise PermissionDenied
    dispute = get_object_or_404(
        Dispute.objects.select_related("payment", "learner", "counterparty"), pk=pk
    )
    index_url = reverse(viewset.get_url_name("index"))
    form = DisputeDecisionForm(request.POST or None)
    if request.method == "POST":
        if not _can_decide(request):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.decide_dispute(
                    dispute.pk,
                    by=user_of(request),
                    outcome=form.cleaned_data["outcome"],
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                )
            except ServiceError as error:
                messages.error(request, str(error.detail))
            else:
                messages.success(request, _("Dispute decided."))
                return redirect(index_url)
    return TemplateResponse(
        request,
        "disputes/admin/decide_dispute.html",
        {
            "item": dispute,
            "evidence": dispute.evidence.select_related("author"),
            "form": form,
            "can_decide": _can_decide(request),
            "index_url": index_url,
            "history_url": reverse(viewset.get_url_name("history"), args=[dispute.pk]),
        },
    )


# The content type an evidence file is served with, from the extension we gave it after
# sniffing its content at upload (services.EVIDENCE_TYPES); anything else is plain bytes.
EVIDENCE_CONTENT_TYPES = {
    EXTENSIONS[mime]: mime for mime in sorted(services.EVIDENCE_TYPES) if mime in EXTENSIONS
}


@never_cache
def evidence_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A dispute's or refund request's evidence file, as a download (never shown inline, our
    content type, no sniffing), for those who may see the case: the view permission of its
    queue or the finance decision permission. Each download is in the case's audit log."""
    evidence = get_object_or_404(
        Evidence.objects.select_related("dispute", "refund_request"), pk=pk
    )
    subject: Dispute | RefundRequest | None = evidence.dispute or evidence.refund_request
    view_permission = (
        "disputes.view_dispute" if evidence.dispute_id else "disputes.view_refundrequest"
    )
    if not request.user.has_perm(view_permission) and not _can_decide(request):
        # A plain 403 (Wagtail would turn PermissionDenied into a redirect to the dashboard).
        return HttpResponseForbidden()
    if not evidence.file or subject is None:
        raise Http404
    extension = (evidence.file.name or "").rsplit(".", 1)[-1].lower()
    content_type = EVIDENCE_CONTENT_TYPES.get(extension, "application/octet-stream")
    filename = f"evidence-{evidence.pk}.{extension}" if extension else f"evidence-{evidence.pk}"
    try:
        response = serve_private_file(
            request, PrivateFile(evidence.file, content_type, filename, inline=False)
        )
    except FileNotFoundError:
        raise Http404 from None
    log(
        instance=subject,
        action="disputes.download_evidence",
        user=user_of(request),
        data={"evidence": evidence.pk, "file": filename},
    )
    return response
