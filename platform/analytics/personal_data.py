"""What the person did, as analytics recorded it. On deletion the events are KEPT but
anonymised (objects, data, language and level cleared; services.anonymise_events) so that
past totals do not change; the rollups hold no detail about the person."""

from typing import Any

from accounts.exporting import iso
from accounts.models import User

from . import services
from .models import ActivityEvent


def export_personal_data(user: User) -> dict[str, Any]:
    return {
        "events": [
            {"kind": kind, "occurred_at": iso(occurred_at), "platform": platform}
            for kind, occurred_at, platform in ActivityEvent.objects.filter(user=user)
            .order_by("occurred_at", "id")
            .values_list("kind", "occurred_at", "platform")
        ]
    }


def erase_personal_data(user: User) -> None:
    services.anonymise_events(user)
