"""The finance dashboard's referral reviews (Wagtail admin)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from accounts.requests import user_of
from payments.finance_admin import decide, finance_permission

from .models import Referral
from .services import review_referral


@finance_permission
@require_POST
def decide_referral(request: HttpRequest, referral_id: int) -> HttpResponse:
    referral = get_object_or_404(Referral, pk=referral_id)
    approve = request.POST.get("decision") == "approve"
    return decide(request, lambda: review_referral(referral, by=user_of(request), approve=approve))
