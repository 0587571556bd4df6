"""How an activity becomes a row: its tracking category, its one detail dimension, its value
and the objects it is counted against."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

#: app -> the tracking category an operator can switch off (AnalyticsSettings.track_*).
CATEGORIES: dict[str, str] = {
    "learning": "learning",
    "vocabulary": "learning",
    "voice_tutor": "learning",
    "social": "social",
    "gamification": "social",
    "tutoring": "marketplace",
    "abroad": "marketplace",
    "translation": "ai",
    "ai": "ai",
    "payments": "payments",
    "accounts": "accounts",
}

#: Kinds that are an AI feature used (translation included): the AI usage share counts the
#: people who did one of these on a day, once each.
AI_KINDS = frozenset({"ai.feature_used", "translation.translated"})

#: The event fields "active people by ..." charts split on (DailyActiveBy.dimension).
ACTIVE_DIMENSIONS = ("platform", "language", "country")

#: kind -> the data key stored as the event's ``detail`` (one typed dimension per kind).
DETAIL_KEYS: dict[str, str] = {
    "accounts.signed_up": "role",
    "learning.exercise_attempted": "exercise_type",
    "vocabulary.card_reviewed": "rating",
    "tutoring.review_left": "rating",
    "translation.translated": "mode",
    "ai.feature_used": "feature",
    "payments.paid": "purpose",
    "payments.refunded": "currency",
    "gamification.badge_awarded": "badge",
}

#: kind -> the data key summed as the event's ``value``.
VALUE_KEYS: dict[str, str] = {
    "learning.exercise_attempted": "score",
    "learning.lesson_completed": "score",
    "voice_tutor.session_ended": "score",
    "tutoring.lesson_attended": "minutes",
    "tutoring.review_left": "rating",
    "payments.paid": "amount_minor",
    "payments.refunded": "amount_minor",
    "vocabulary.card_reviewed": "duration_ms",
}


def category_of(app: str) -> str | None:
    return CATEGORIES.get(app)


def detail_of(kind: str, data: Mapping[str, Any]) -> str:
    key = DETAIL_KEYS.get(kind)
    if key is None or data.get(key) is None:
        return ""
    return str(data[key])[:64]


def value_of(kind: str, data: Mapping[str, Any]) -> Decimal | None:
    key = VALUE_KEYS.get(kind)
    if key is None or data.get(key) is None:
        return None
    try:
        return Decimal(str(data[key]))
    except InvalidOperation:
        return None


def object_keys(kind: str, data: Mapping[str, Any]) -> list[str]:
    """What the per-object rollup counts this event against."""
    if kind == "learning.exercise_attempted":
        return [f"lesson:{data['lesson_id']}", f"block:{data['lesson_id']}:{data['block_id']}"]
    if kind == "learning.lesson_completed":
        return [f"lesson:{data['lesson_id']}"]
    if kind.startswith("tutoring.") and data.get("teacher_id") is not None:
        return [f"teacher:{data['teacher_id']}"]
    return []


def is_failure(kind: str, value: Decimal | None) -> bool:
    """An exercise answer that was not fully right (score below 1) counts as a failure."""
    return kind == "learning.exercise_attempted" and value is not None and value < 1


def country_of(profile_country: str | None) -> str:
    """The profile's two-letter ISO code, upper-cased; anything else counts as no country
    (coarse on purpose: no region, city or address ever reaches the event table)."""
    code = (profile_country or "").strip().upper()
    return code if len(code) == 2 and code.isascii() and code.isalpha() else ""


def course_of(data: Mapping[str, Any]) -> int | None:
    """The course of the lesson an event is about: the lesson's parent page in the learning
    tree (LearningIndex > Category > Subcategory = course > Lesson). One query, by the
    lesson's path, for events that name a lesson; None for the others."""
    lesson_id = data.get("lesson_id")
    if lesson_id is None:
        return None
    try:
        lesson_pk = int(lesson_id)
    except (TypeError, ValueError):
        return None
    from django.db.models import Subquery
    from django.db.models.functions import Left, Length
    from wagtail.models import Page

    parent_path = Page.objects.filter(pk=lesson_pk).annotate(
        parent=Left("path", Length("path") - Page.steplen)
    )
    found = (
        Page.objects.filter(path=Subquery(parent_path.values("parent")[:1]))
        .values_list("pk", flat=True)
        .first()
    )
    return found
