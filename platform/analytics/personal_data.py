"""What the person did, as analytics recorded it. On deletion the events are KEPT but
anonymised (objects, data, language and level cleared; services.anonymise_events) so that
past totals do not change; the rollups hold no detail about the person. Progress shared with
teachers (either side) is deleted."""

from typing import Any

from accounts.exporting import iso
from accounts.models import User

from . import services
from .models import ActivityEvent, ProgressShare


def export_personal_data(user: User) -> dict[str, Any]:
    return {
        "events": [
            {"kind": kind, "occurred_at": iso(occurred_at), "platform": platform}
            for kind, occurred_at, platform in ActivityEvent.objects.filter(user=user)
            .order_by("occurred_at", "id")
            .values_list("kind", "occurred_at", "platform")
        ],
        "progress_shared_with": [
            {"teacher": str(teacher), "since": iso(since)}
            for teacher, since in ProgressShare.objects.filter(learner=user)
            .order_by("created_at", "pk")
            .values_list("teacher_id", "created_at")
        ],
    }


def erase_personal_data(user: User) -> None:
    services.anonymise_events(user)
    services.erase_progress_shares(user)
