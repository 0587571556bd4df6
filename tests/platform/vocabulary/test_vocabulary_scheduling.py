"""FSRS through the fsrs package: intervals, desired retention, load balancing, late reviews,
duplicates, and the activity events the gamification app reads."""

import datetime as dt
from collections import Counter
from typing import Any

import fsrs
import pytest
from django.utils import timezone

from core import activity
from vocabulary import scheduling, selectors, services
from vocabulary.models import Card, LearnerSchedule, ReviewLog, Word

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # a Monday


def word(owner: Any, text: str = "casa", **fields: Any) -> Word:
    fields.setdefault("language", "es")
    fields.setdefault("translation", "house")
    return services.add_word(owner, text=text, **fields).word


def review(owner: Any, card: Card, rating: int, at: dt.datetime, key: str) -> Any:
    return services.submit_review(
        owner, card_id=card.pk, rating=rating, reviewed_at=at, duration_ms=3000,
        idempotency_key=key,
    )  # fmt: skip


def interval_after(owner: Any, ratings: list[int]) -> list[float]:
    """Days to the next due after each review (each review made when the card is due)."""
    card = word(owner, f"w{len(ratings)}{ratings}").card
    at, intervals = T0, []
    for number, rating in enumerate(ratings):
        outcome = review(owner, card, rating, at, f"{card.pk}-{number}")
        intervals.append((outcome.card.due - at).total_seconds() / 86400)
        at = outcome.card.due
    return intervals


def test_intervals_grow_on_good_and_shrink_on_again(student: Any) -> None:
    good = interval_after(student, [3, 3, 3, 3, 3])
    assert good[2] < good[3] < good[4], good  # review state: every Good lengthens it
    lapse = interval_after(student, [3, 3, 3, 3, 1])
    assert lapse[-1] < lapse[-2], lapse  # Again drops it to a relearning step (minutes)
    assert lapse[-1] < 1


def test_desired_retention_changes_intervals(student: Any, other_student: Any) -> None:
    LearnerSchedule.objects.create(user=other_student, desired_retention=0.75)
    strict = interval_after(student, [3, 3, 3, 3])
    relaxed = interval_after(other_student, [3, 3, 3, 3])
    assert relaxed[-1] > strict[-1] * 1.5, (strict, relaxed)


def test_scheduler_is_fsrs_own_with_learner_parameters(student: Any) -> None:
    schedule = LearnerSchedule.objects.create(
        user=student, desired_retention=0.85, parameters=list(fsrs.scheduler.DEFAULT_PARAMETERS)
    )
    scheduler = scheduling.scheduler_for(schedule)
    assert isinstance(scheduler, fsrs.Scheduler)
    assert scheduler.desired_retention == 0.85 and not scheduler.enable_fuzzing


def test_fuzz_range_is_fsrs_own() -> None:
    """Our range is the one py-fsrs's fuzz draws from: sample its fuzz and compare."""
    scheduler = fsrs.Scheduler()
    for days in (3, 8, 30, 120):
        drawn = {
            scheduler._get_fuzzed_interval(interval=dt.timedelta(days=days)).days
            for _ in range(400)
        }
        assert (min(drawn), max(drawn)) == scheduling.fuzz_range(days), days


def test_load_balancing_flattens_a_synthetic_spike(student: Any) -> None:
    zone = selectors.zone_of(student)
    # 60 cards whose FSRS interval is the same 30 days: fsrs without fuzz puts all on one day.
    cards = [word(student, f"palabra{n}").card for n in range(60)]
    days: Counter[dt.date] = Counter()
    for number, card in enumerate(cards):
        # Bring each card into review with stability giving a 30-day interval.
        Card.objects.filter(pk=card.pk).update(
            state=2, step=None, stability=30.0, difficulty=5.0, last_review=T0 - dt.timedelta(30),
            due=T0,
        )  # fmt: skip
        card.refresh_from_db()
        naive = scheduling.scheduler_for(None).review_card(
            scheduling.to_fsrs(card), fsrs.Rating.Good, T0
        )[0]
        days[naive.due.date()] += 1
        outcome = review(student, card, 3, T0 + dt.timedelta(seconds=number), f"k{number}")
        assert outcome.card.due.date() != T0.date()
    assert len(days) == 1  # the spike: every card on one day
    balanced = selectors.daily_load(student, T0.date(), T0.date() + dt.timedelta(days=400), zone)
    naive_day = next(iter(days))
    low, high = scheduling.fuzz_range((naive_day - T0.date()).days)
    assert len(balanced) == high - low + 1  # spread over every day fsrs allows
    assert max(balanced.values()) - min(balanced.values()) <= 1  # and evenly
    assert all(low <= (day - T0.date()).days <= high for day in balanced)


def test_easy_days_are_avoided_when_the_range_allows(student: Any) -> None:
    LearnerSchedule.objects.create(user=student, easy_days=[5, 6])  # weekends
    for number in range(20):
        card = word(student, f"w{number}").card
        Card.objects.filter(pk=card.pk).update(
            state=2, step=None, stability=30.0, difficulty=5.0, last_review=T0 - dt.timedelta(30),
        )  # fmt: skip
        card.refresh_from_db()
        outcome = review(student, card, 3, T0, f"e{number}")
        assert outcome.card.due.weekday() not in (5, 6)


def test_replay_with_the_same_key_changes_nothing(
    student: Any, django_capture_on_commit_callbacks: Any
) -> None:
    card = word(student).card
    first = review(student, card, 3, T0, "same")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = review(student, card, 3, T0, "same")
    assert again.replayed and again.log.pk == first.log.pk
    assert again.log.due_after == first.card.due
    assert ReviewLog.objects.count() == 1 and not callbacks
    card.refresh_from_db()
    assert card.reps == 1


def test_key_reused_for_another_rating_is_refused(student: Any) -> None:
    card = word(student).card
    review(student, card, 3, T0, "k")
    with pytest.raises(services.ReviewKeyReused):
        review(student, card, 1, T0, "k")


def test_late_reviews_rebuild_the_card_in_time_order(student: Any, other_student: Any) -> None:
    """Device B syncs a review older than device A's: the card ends as if both came in order."""
    times = [T0, T0 + dt.timedelta(days=1), T0 + dt.timedelta(days=4)]
    ratings = [3, 1, 3]
    in_order = word(other_student).card
    for number, (rating, at) in enumerate(zip(ratings, times, strict=True)):
        review(other_student, in_order, rating, at, f"o{number}")
    late = word(student).card
    review(student, late, ratings[0], times[0], "a")
    review(student, late, ratings[2], times[2], "c")
    outcome = review(student, late, ratings[1], times[1], "b")  # arrives last
    in_order.refresh_from_db()
    late.refresh_from_db()
    for field in ("state", "step", "stability", "difficulty", "due", "last_review", "reps"):
        assert getattr(late, field) == getattr(in_order, field), field
    assert late.lapses == in_order.lapses == 1
    assert outcome.log.was_due and not outcome.log.was_new
    assert list(late.logs.values_list("rating", flat=True)) == ratings  # ordered by time


def test_duplicates_answer_the_existing_word(student: Any, other_student: Any) -> None:
    first = services.add_word(student, text="Buenos días", language="es", translation="Hi")
    again = services.add_word(student, text="  buenos DÍAS! ", language="ES")
    assert first.created and not again.created and again.word.pk == first.word.pk
    assert services.add_word(student, text="buenos días", language="pt").created
    assert services.add_word(other_student, text="Buenos días", language="es").created
    assert Word.objects.filter(owner=student).count() == 2


def test_word_gets_frequency_band_level_guess_and_capped_tags(student: Any) -> None:
    common = word(student, "house", language="en", tags=["Home", "home", " x  y ", *"abcdefghijk"])
    rare = word(student, "ubiquitous", language="en", level="C1")
    assert common.frequency_band == 6 and common.level == "A2"
    assert rare.frequency_band == 3 and rare.level == "C1"
    names = sorted(tag.name for tag in common.tags.all())
    assert len(names) == 10 and "Home" in names and "home" not in names and "x y" in names
    unknown = word(student, "qwzx", language="xx")
    assert unknown.frequency_band == 0 and unknown.level == ""


def test_activity_events_keep_their_contract(
    student: Any, django_capture_on_commit_callbacks: Any
) -> None:
    events: list[activity.Activity] = []

    def receiver(sender: str, event: activity.Activity, **kwargs: Any) -> None:
        events.append(event)

    activity.activity.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            card = word(student, source="phrasebook").card
        with django_capture_on_commit_callbacks(execute=True):
            review(student, card, 3, T0, "r1")
        Card.objects.filter(pk=card.pk).update(
            state=2, step=None, stability=25.0, difficulty=5.0, last_review=T0,
            due=T0 + dt.timedelta(days=25),
        )  # fmt: skip
        with django_capture_on_commit_callbacks(execute=True):
            review(student, card, 3, T0 + dt.timedelta(days=25), "r2")
            review(student, card, 3, T0 + dt.timedelta(days=26), "r3")  # not due
    finally:
        activity.activity.disconnect(receiver)
    kinds = [event.kind for event in events]
    assert kinds == [
        "vocabulary.word_added",
        "vocabulary.card_reviewed",
        "vocabulary.card_reviewed",
        "vocabulary.word_mastered",
        "vocabulary.card_reviewed",
    ]
    added, first, due, mastered, early = events
    assert added.data == {"word_id": card.word_id, "source": "phrasebook"}
    assert first.data == {"card_id": card.pk, "rating": 3, "was_due": True, "duration_ms": 3000}
    assert first.occurred_at == T0 and first.language == "es"
    assert due.data["was_due"] and not early.data["was_due"]
    assert mastered.data == {"word_id": card.word_id}
    assert all(event.user_id == student.pk for event in events)
    assert timezone.is_aware(early.occurred_at)
