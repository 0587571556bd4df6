"""The XP ledger: rules pay once per thing, repeats and reviews not due earn little or
nothing, daily caps hold, a replayed event pays nothing, entries are append-only, levels
follow editable thresholds."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from core import activity
from gamification.models import AppendOnlyError, Level, QuestTemplate, XPEntry, XPRule

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_quests() -> None:
    """Quests pay XP too (tested in test_gamification_quests): left out here to count XP."""
    QuestTemplate.objects.update(active=False)


def test_an_exercise_pays_once_by_its_score_and_repeats_pay_nothing(
    learner: Any, exercise: Any, player: Any, clock: Any
) -> None:
    exercise(learner, 1, "b1", score=0.5)
    assert player(learner).xp == 5
    for _ in range(5):
        clock.now = clock.now.replace(second=clock.now.second + 1)
        exercise(learner, 1, "b1", score=1.0)
    assert player(learner).xp == 5, "answering the same exercise again earns nothing"
    exercise(learner, 1, "b2", score=1.0)
    assert player(learner).xp == 15


def test_a_replayed_event_changes_nothing(
    learner: Any, django_capture_on_commit_callbacks: Any, player: Any, clock: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        activity.record(
            learner,
            "vocabulary.word_mastered",
            data={"word_id": 7},
        )
    for callback in callbacks * 3:
        callback()
    assert player(learner).xp == 5
    assert XPEntry.objects.filter(user=learner).count() == 1


def test_lessons_pay_in_full_once_and_a_redo_a_little_once_a_day(
    learner: Any, lesson_done: Any, player: Any, clock: Any
) -> None:
    lesson_done(learner, 1)
    assert player(learner).xp == 25, "20 for the lesson, 5 for meeting the daily goal of 20"
    for _ in range(4):
        clock.now = clock.now.replace(minute=clock.now.minute + 1)
        lesson_done(learner, 1, first_time=False)
    assert player(learner).xp == 27, "redoing a lesson pays 2 XP once a day"
    clock.now = clock.now.replace(day=clock.now.day + 1)
    lesson_done(learner, 1, first_time=False)
    assert player(learner).xp == 29


def test_reviews_not_due_earn_nothing_and_due_ones_pay_once_a_card_a_day(
    learner: Any, review: Any, player: Any, clock: Any
) -> None:
    for n in range(3):
        clock.now = clock.now.replace(minute=n)
        review(learner, 9, was_due=False)
    assert player(learner).xp == 0
    review(learner, 10)
    clock.now = clock.now.replace(minute=30)
    review(learner, 10)
    assert player(learner).xp == 2


def test_a_daily_cap_bounds_a_reason(learner: Any, review: Any, player: Any, clock: Any) -> None:
    XPRule.objects.filter(reason="review").update(points=7, daily_cap=20)
    XPRule.objects.filter(reason="goal").update(points=0)
    for card in range(5):
        review(learner, card)
    assert player(learner).xp == 20
    assert list(
        XPEntry.objects.filter(user=learner).order_by("id").values_list("points", flat=True)
    ) == [7, 7, 6]


def test_entries_are_append_only_in_the_model_and_the_database(learner: Any, exercise: Any) -> None:
    exercise(learner, 1, "b1")
    entry = XPEntry.objects.get(user=learner)
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE gamification_xpentry SET points = 500")
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        XPEntry.objects.filter(pk=entry.pk).delete()


def test_levels_follow_the_thresholds_admins_edit(
    learner: Any, lesson_done: Any, player: Any
) -> None:
    Level.objects.filter(number=2).update(xp_required=20)
    lesson_done(learner, 1)
    assert player(learner).level == 2
    assert player(learner).xp == 25  # 20 for the lesson, 5 for meeting the daily goal


def test_unknown_users_and_other_kinds_are_ignored(emit: Any) -> None:
    emit("u1", "vocabulary.word_mastered", word_id=1)
    emit("00000000-0000-0000-0000-000000000000", "vocabulary.word_mastered", word_id=1)
    assert XPEntry.objects.count() == 0
