"""Permission-checked reads of payees' payout settings and tax documents."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User

from .models import PayeeProfile, PayoutRequest, TaxDocument


def payee_profile_of(user: User) -> PayeeProfile | None:
    return PayeeProfile.objects.filter(user=user).first()


def tax_documents_of(user: User) -> QuerySet[TaxDocument]:
    return TaxDocument.objects.filter(payee=user).order_by("-uploaded_at")


def tax_document_for(user: User, document_id: Any) -> TaxDocument:
    """The person's own document; 404 for anyone else's (finance opens them in the admin)."""
    document = TaxDocument.objects.filter(payee=user, pk=document_id).first()
    if document is None:
        raise Http404("No such document.")
    return document


def payout_requests_of(user: User, limit: int = 20) -> list[PayoutRequest]:
    """The payee's payout requests, newest first."""
    return list(PayoutRequest.objects.filter(payee=user).order_by("-requested_at")[:limit])
