"""The charts by key, the dashboards that group them, and who sees which (content creators
only their own lessons' charts)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..models import DailyActive
from .base import Chart, Scope, _pct
from .finance import payouts_pending, revenue
from .goals import goals
from .lessons import (
    ai_usage,
    exercise_accuracy,
    lesson_completion,
    lesson_steps,
    most_failed,
    tutor_sessions,
    vocabulary,
)
from .marketplace import (
    availability_fill_rate,
    bookings,
    earnings,
    marketplace_activity,
    ratings,
    time_to_verification,
)
from .usage import (
    activation,
    active_by_country,
    active_by_language,
    active_by_platform,
    active_users,
    lifecycle,
    retention,
    signups_by_role,
    stickiness,
)


@dataclass(frozen=True)
class Dashboard:
    slug: str
    title: str
    charts: tuple[str, ...]
    #: Content creators may open it (limited to their own lessons).
    for_creators: bool = False


CHARTS: dict[str, Callable[[Scope], Chart]] = {
    "active_users": active_users,
    "stickiness": stickiness,
    "signups_by_role": signups_by_role,
    "lifecycle": lifecycle,
    "retention": retention,
    "activation": activation,
    "active_by_platform": active_by_platform,
    "active_by_language": active_by_language,
    "active_by_country": active_by_country,
    "lesson_completion": lesson_completion,
    "lesson_steps": lesson_steps,
    "exercise_accuracy": exercise_accuracy,
    "most_failed": most_failed,
    "tutor_sessions": tutor_sessions,
    "ai_usage": ai_usage,
    "vocabulary": vocabulary,
    "bookings": bookings,
    "availability_fill_rate": availability_fill_rate,
    "ratings": ratings,
    "marketplace_activity": marketplace_activity,
    "earnings": earnings,
    "time_to_verification": time_to_verification,
    "revenue": revenue,
    "payouts_pending": payouts_pending,
    "goals": goals,
}


DASHBOARDS: dict[str, Dashboard] = {
    d.slug: d
    for d in [
        Dashboard(
            "platform",
            "Platform",
            (
                "active_users",
                "stickiness",
                "signups_by_role",
                "lifecycle",
                "retention",
                "activation",
                "active_by_platform",
                "active_by_language",
                "active_by_country",
            ),
        ),
        Dashboard(
            "learning",
            "Learning",
            (
                "lesson_completion",
                "lesson_steps",
                "exercise_accuracy",
                "most_failed",
                "tutor_sessions",
                "ai_usage",
                "vocabulary",
            ),
            for_creators=True,
        ),
        Dashboard(
            "marketplace",
            "Marketplace",
            (
                "bookings",
                "availability_fill_rate",
                "marketplace_activity",
                "ratings",
                "earnings",
                "time_to_verification",
            ),
        ),
        Dashboard("finance", "Finance", ("revenue", "payouts_pending")),
        Dashboard("goals", "Goals", ("goals",)),
    ]
}


#: The charts a content creator may read (their own lessons only).
CREATOR_CHARTS = frozenset(
    {"lesson_completion", "lesson_steps", "exercise_accuracy", "most_failed"}
)


def sees_everything(user: Any) -> bool:
    return bool(user.is_active and user.has_perm("analytics.view_dashboards"))


def is_creator(user: Any) -> bool:
    from accounts.roles import Role
    from accounts.selectors import has_role

    return bool(user.is_active and user.is_staff and has_role(user, Role.CONTENT_CREATOR))


def scope_for(
    user: Any, first: date, last: date, currency: str = "", **narrowing: Any
) -> Scope | None:
    """The scope ``user`` may read, or None if they may not read analytics at all.
    ``narrowing``: ``course``, ``level`` and ``lesson`` of the learning charts."""
    if sees_everything(user):
        return Scope(first, last, None, currency, **narrowing)
    if is_creator(user):
        from wagtail.models import Page

        owned = frozenset(Page.objects.filter(owner=user).values_list("id", flat=True))
        return Scope(first, last, owned, currency, **narrowing)
    return None


def chart(key: str, scope: Scope) -> Chart:
    if scope.lesson_ids is not None and key not in CREATOR_CHARTS:
        raise PermissionError(key)
    return CHARTS[key](scope)


def summary() -> dict[str, Any]:
    """The admin home panel: latest DAU/WAU/MAU and stickiness (one query)."""
    latest = DailyActive.objects.order_by("-day").first()
    if latest is None:
        return {"day": None}
    return {
        "day": latest.day,
        "dau": latest.dau,
        "wau": latest.wau,
        "mau": latest.mau,
        "stickiness": _pct(latest.dau, latest.mau),
    }
