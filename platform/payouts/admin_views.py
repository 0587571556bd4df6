"""The finance dashboard's payout decisions (Wagtail admin)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from accounts.requests import user_of
from payments.finance_admin import decide, finance_permission

from .models import PayoutRequest
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
