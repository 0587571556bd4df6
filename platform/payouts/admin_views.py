"""The finance dashboard's payout decisions, and payees' bank details and tax documents
(Wagtail admin)."""

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.requests import user_of
from core.downloads import PrivateFile, serve_private_file
from payments.finance_admin import decide, finance_permission

from . import services
from .models import PayeeProfile, PayoutRequest, TaxDocument
from .services import pay_payout, reject_payout


@finance_permission
@require_POST
def decide_payout(request: HttpRequest, payout_id: int) -> HttpResponse:
    payout = get_object_or_404(PayoutRequest, pk=payout_id)
    if request.POST.get("decision") == "pay":
        return decide(
            request,
            lambda: pay_payout(
                payout, by=user_of(request), reference=request.POST.get("reference", "")
            ),
        )
    return decide(
        request,
        lambda: reject_payout(payout, by=user_of(request), note=request.POST.get("note", "")),
    )


@never_cache
@permission_required("payouts.reveal_bank_details", raise_exception=True)
@require_POST
def reveal_bank_account(request: HttpRequest, pk: int) -> HttpResponse:
    """The bank account in plain text, answered to the POST itself (no URL to share or
    cache), after the service has logged the reveal."""
    profile = get_object_or_404(PayeeProfile.objects.select_related("user"), pk=pk)
    revealed = services.reveal_bank_account(profile, by=user_of(request))
    return TemplateResponse(
        request,
        "payouts/admin/payee_revealed.html",
        {
            "profile": profile,
            "revealed": revealed,
            "back_url": reverse("finance_payees:inspect", args=[profile.pk]),
        },
    )


@permission_required("payouts.view_taxdocument", raise_exception=True)
def tax_document_file(request: HttpRequest, document_id: str) -> HttpResponseBase:
    document = get_object_or_404(TaxDocument, pk=document_id)
    extension = (document.file.name or "").rsplit(".", 1)[-1]
    item = PrivateFile(
        document.file, document.content_type, f"{document.kind}.{extension}", inline=False
    )
    return serve_private_file(request, item)
