"""Decision screens of the refund-request and dispute queues (finance moderators: the
``disputes.decide_refundrequest`` permission). The services move the money, tell both sides
and write the audit log."""

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.requests import user_of
from core.api.errors import ServiceError

from . import services
from .models import Dispute, DisputeOutcome, RefundRequest

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
