"""Badges (awarded once, notified, announced, kept for the social hook), daily quests (three
a day, progress from events, XP once on completion) and the real lesson API paying XP."""

from __future__ import annotations

from typing import Any

import pytest

from core import activity
from gamification import hooks
from gamification.models import Badge, BadgeAward, DailyQuest, QuestTemplate, XPEntry
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def announced() -> Any:
    events: list[Any] = []

    def receiver(sender: str, event: Any, **kwargs: Any) -> None:
        events.append(event)

    activity.activity.connect(receiver, dispatch_uid="gamification-test")
    yield events
    activity.activity.disconnect(dispatch_uid="gamification-test")


def test_a_badge_is_awarded_once_with_a_notification_an_event_and_the_share_hook(
    learner: Any, lesson_done: Any, announced: list[Any], clock: Any
) -> None:
    shared: list[Any] = []

    def share(sender: Any, user: Any, award: Any, **kwargs: Any) -> None:
        shared.append(award.badge.slug)

    hooks.badge_awarded.connect(share, dispatch_uid="test-share")
    try:
        lesson_done(learner, 1)
        clock.now = clock.now.replace(minute=5)
        lesson_done(learner, 2)
    finally:
        hooks.badge_awarded.disconnect(dispatch_uid="test-share")
    assert list(BadgeAward.objects.filter(user=learner).values_list("badge__slug", flat=True)) == [
        "first-lesson"
    ]
    assert shared == ["first-lesson"]
    notes = Notification.objects.filter(recipient=learner, type="gamification.badge_awarded")
    assert [note.data["badge"] for note in notes] == ["first-lesson"]
    badges = [e.data["badge"] for e in announced if e.kind == "gamification.badge_awarded"]
    assert badges == ["first-lesson"]


def test_five_lessons_in_one_category_and_not_across_categories(
    learner: Any, lesson_done: Any, clock: Any
) -> None:
    for n in range(4):
        clock.now = clock.now.replace(minute=n)
        lesson_done(learner, n, parent="0001A")
        lesson_done(learner, 100 + n, parent="0001B")
    assert not BadgeAward.objects.filter(user=learner, badge__slug="category-5").exists()
    clock.now = clock.now.replace(minute=30)
    lesson_done(learner, 4, parent="0001A")
    lesson_done(learner, 4, parent="0001A")  # the same lesson again counts nothing more
    assert BadgeAward.objects.filter(user=learner, badge__slug="category-5").count() == 1


def test_words_mastered_tutor_sessions_and_streak_badges(
    learner: Any, emit: Any, clock: Any
) -> None:
    Badge.objects.filter(slug="words-100").update(threshold=3)
    for word in (1, 2, 2, 3):  # word 2 twice: counted once
        clock.now = clock.now.replace(minute=word)
        emit(learner, "vocabulary.word_mastered", word_id=word)
    emit(learner, "tutoring.lesson_attended", booking_id=4, teacher_id=9, minutes=50)
    earned = set(BadgeAward.objects.filter(user=learner).values_list("badge__slug", flat=True))
    assert {"words-100", "first-tutor"} <= earned
    assert XPEntry.objects.filter(user=learner, reason="word_mastered").count() == 3


def test_three_quests_a_day_progress_from_events_and_pay_once(
    learner: Any, review: Any, lesson_done: Any, clock: Any
) -> None:
    QuestTemplate.objects.exclude(
        slug__in=["review-10-cards", "complete-a-lesson", "earn-30-xp"]
    ).update(active=False)
    review(learner, 1)
    quests = {q.template.slug: q for q in DailyQuest.objects.filter(user=learner)}
    assert set(quests) == {"review-10-cards", "complete-a-lesson", "earn-30-xp"}
    assert quests["review-10-cards"].progress == 1
    for card in range(2, 12):
        review(learner, card, was_due=card != 11)  # the 11th was not due: no progress
    lesson_done(learner, 1)
    lesson_done(learner, 1, first_time=False)
    quests = {q.template.slug: q for q in DailyQuest.objects.filter(user=learner)}
    assert all(q.completed_at is not None for q in quests.values())
    assert quests["review-10-cards"].progress == 10
    assert XPEntry.objects.filter(user=learner, reason="quest").count() == 3

    clock.now = clock.now.replace(day=clock.now.day + 1)
    review(learner, 50)
    assert DailyQuest.objects.filter(user=learner).count() == 6, "three new ones the next day"


def test_answering_and_completing_a_real_lesson_pays_xp_and_counts_the_day(
    api_client: Any,
    learner: Any,
    make_lesson: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from cms.learning.demo import every_exercise_body
    from gamification.models import Player

    QuestTemplate.objects.update(active=False)
    lesson = make_lesson("Greetings", body=every_exercise_body()[:2])
    api_client.force_login(learner)
    blocks = {b["type"]: b for b in api_client.get(f"/api/v1/lessons/{lesson.id}/").json()["body"]}
    choice = blocks["multiple_choice"]
    right = next(c["id"] for c in choice["value"]["choices"] if c["text"] == "Hi")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):  # answering again and again earns nothing more
            response = api_client.post(
                f"/api/v1/lessons/{lesson.id}/exercises/{choice['id']}/attempts/",
                {"answer": {"choices": [right]}},
                format="json",
            )
            assert response.status_code == 201, response.json()
        api_client.post(f"/api/v1/lessons/{lesson.id}/complete/", {}, format="json")
    player = Player.objects.get(pk=learner.pk)
    assert player.xp == 10 + 20 + 5, "exercise, lesson, daily goal met"
    assert player.streak == 1
    me = api_client.get("/api/v1/gamification/me/").json()
    assert (me["xp"], me["streak"]["current"], me["streak"]["today_status"]) == (35, 1, "met")
