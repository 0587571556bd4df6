"""Decision screens of the refund-request and dispute queues (finance moderators: the
``disputes.decide_refundrequest`` permission). The services move the money, tell both sides
and write the audit log."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseForbidden,
)
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from wagtail.log_actions import log

from accounts.requests import user_of
from core.admin_queues import DecisionView
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


class _FinanceDecisionView(DecisionView):
    """Seen by those with the queue's view permission or the decision permission; decided
    only with the decision permission."""

    view_permission = ""
    form_class: type[forms.Form]
    decided_message: Any = ""

    def has_permission(self) -> bool:
        return self.request.user.has_perm(self.view_permission) or _can_decide(self.request)

    def prepare(self) -> None:
        self.form = self.form_class(self.request.POST or None)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _can_decide(request):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def decide(self) -> HttpResponse | None:
        if not self.form.is_valid():
            return None
        self.apply(self.form.cleaned_data)
        return self.decided(self.decided_message)

    def apply(self, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def get_context_data(self) -> dict[str, Any]:
        return {
            "evidence": self.object.evidence.select_related("author"),
            "form": self.form,
            "can_decide": _can_decide(self.request),
        }


class DecideRefundRequestView(_FinanceDecisionView):
    template_name = "disputes/admin/decide_refund_request.html"
    context_object_name = "item"
    view_permission = "disputes.view_refundrequest"
    form_class = RefundDecisionForm
    decided_message = _("Refund request decided.")

    def get_queryset(self) -> QuerySet[RefundRequest]:
        return RefundRequest.objects.select_related("payment", "user", "refund")

    def apply(self, data: dict[str, Any]) -> None:
        services.decide_refund_request(
            self.object.pk,
            by=user_of(self.request),
            approve=data["decision"] == "approve",
            amount=data["amount"],
            note=data["note"],
        )


class DecideDisputeView(_FinanceDecisionView):
    template_name = "disputes/admin/decide_dispute.html"
    context_object_name = "item"
    view_permission = "disputes.view_dispute"
    form_class = DisputeDecisionForm
    decided_message = _("Dispute decided.")

    def get_queryset(self) -> QuerySet[Dispute]:
        return Dispute.objects.select_related("payment", "learner", "counterparty")

    def apply(self, data: dict[str, Any]) -> None:
        services.decide_dispute(
            self.object.pk,
            by=user_of(self.request),
            outcome=data["outcome"],
            amount=data["amount"],
            reason=data["reason"],
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
