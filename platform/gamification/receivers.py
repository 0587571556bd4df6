"""The activity bus's gamification receiver: a thin adapter onto services.handle_activity."""

from typing import Any

from core.activity import Activity

from . import services


def on_activity(sender: str, event: Activity, **kwargs: Any) -> None:
    services.handle_activity(event)
