"""Gamification fixtures: a settable clock (``django.utils.timezone.now``, which the activity
bus and the services read), a learner with a zone, and ``emit`` to send an activity event
through the real bus after a real commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cms.learning.testing import learning_tree, make_lesson  # noqa: F401


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 12, 0, tzinfo=ZoneInfo("UTC"))

    def set(self, moment: datetime) -> None:
        self.now = moment

    def local(self, zone: str, *args: int) -> None:
        self.now = datetime(*args, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    yield clock


def set_zone(user: Any, zone: str) -> None:
    from accounts.models import Profile

    Profile.objects.update_or_create(user=user, defaults={"time_zone": zone})


@pytest.fixture
def learner(student: Any) -> Any:
    set_zone(student, "UTC")
    return student


@pytest.fixture
def emit(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    from core import activity

    def send(user: Any, kind: str, obj: Any = None, **data: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return activity.record(user, kind, obj=obj, data=data)

    return send


@pytest.fixture
def player() -> Callable[[Any], Any]:
    from gamification.models import Player

    def get(user: Any) -> Any:
        return Player.objects.get(pk=user.pk)

    return get


@pytest.fixture
def exercise(emit: Callable[..., Any]) -> Callable[..., Any]:
    def send(user: Any, lesson: int, block: str, score: float = 1.0) -> Any:
        return emit(
            user,
            "learning.exercise_attempted",
            lesson_id=lesson,
            block_id=block,
            exercise_type="multiple_choice",
            score=score,
        )

    return send


@pytest.fixture
def review(emit: Callable[..., Any]) -> Callable[..., Any]:
    def send(user: Any, card: int, was_due: bool = True) -> Any:
        return emit(
            user,
            "vocabulary.card_reviewed",
            card_id=card,
            rating=3,
            was_due=was_due,
            duration_ms=900,
        )

    return send


@pytest.fixture
def lesson_done(emit: Callable[..., Any]) -> Callable[..., Any]:
    def send(user: Any, lesson: int, first_time: bool = True, parent: str = "000100010001") -> Any:
        return emit(
            user,
            "learning.lesson_completed",
            lesson_id=lesson,
            translation_key=f"tk-{lesson}",
            parent_path=parent,
            score=90.0,
            time_spent_seconds=120,
            first_time=first_time,
        )

    return send


@pytest.fixture
def no_quests(db: None) -> None:
    """Quests pay XP too (their own tests): left out where a test counts XP exactly."""
    from gamification.models import QuestTemplate

    QuestTemplate.objects.update(active=False)


@pytest.fixture
def meet_goal(lesson_done: Callable[..., Any]) -> Callable[..., Any]:
    """A first-time lesson: 20 XP, the default daily goal."""
    lessons = iter(range(1000, 100_000))

    def send(user: Any) -> Any:
        return lesson_done(user, next(lessons))

    return send
