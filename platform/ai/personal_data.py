"""The person's AI usage log. Prompts and texts they submit are not stored by this app (only
metering: feature, size, cost, outcome; translation keeps its own history). On account
deletion the log rows are detached from the account (kept, anonymous, for the operators'
usage statistics); the credits they cost stay in the ledger (credits.personal_data)."""

from typing import Any

from accounts.exporting import amount, iso
from accounts.models import User

from .models import AIUsage


def export_personal_data(user: User) -> dict[str, Any]:
    return {
        "usage": [
            {
                "feature": usage.feature,
                "units": amount(usage.units),
                "credits": amount(usage.credits),
                "characters": usage.characters,
                "audio_seconds": amount(usage.audio_seconds),
                "outcome": usage.outcome,
                "created_at": iso(usage.created_at),
            }
            for usage in AIUsage.objects.filter(user=user).order_by("created_at")
        ]
    }


def erase_personal_data(user: User) -> None:
    AIUsage.objects.filter(user=user).update(user=None)
