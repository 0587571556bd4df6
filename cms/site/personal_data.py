"""Which versions of the legal documents the person accepted, and when. Exported; KEPT on
account deletion (no ``erase_personal_data``): it is the operator's record of consent, and
after deletion it points at the anonymised account only."""

from typing import Any

from accounts.exporting import iso
from accounts.models import User

from .models import LegalAcceptance


def export_personal_data(user: User) -> dict[str, Any]:
    return {
        "legal_acceptances": [
            {"document": a.document, "version": a.version, "accepted_at": iso(a.accepted_at)}
            for a in LegalAcceptance.objects.filter(user=user).order_by("accepted_at", "id")
        ]
    }
