"""Postpone (after a break) and advance (before a trip): cards move only as far as fsrs's
retrievability allows, the moves are logged, review logs stay as they were."""

import datetime as dt
import uuid
from collections import Counter
from typing import Any

import fsrs
import pytest
from django.utils import timezone

from vocabulary import scheduling, selectors, services
from vocabulary.models import Card, DueShift, ReviewLog

pytestmark = pytest.mark.django_db


def reviewed_card(owner: Any, text: str, days_ago: float, rating: int = 4) -> Card:
    """A word answered once, ``days_ago``: Easy puts it straight into fsrs's review state."""
    word = services.add_word(owner, text=text, language="es").word
    outcome = services.submit_review(
        owner,
        card_id=word.card.pk,
        rating=rating,
        reviewed_at=timezone.now() - dt.timedelta(days=days_ago),
        duration_ms=1000,
        idempotency_key=str(uuid.uuid4()),
    )
    return outcome.card


def recall(card: Card, at: dt.datetime) -> float:
    # Independently of the service: the library's own curve with the default parameters.
    return float(fsrs.Scheduler().get_card_retrievability(scheduling.to_fsrs(card), at))


def test_postpone_spreads_what_can_wait_and_keeps_what_cannot(student: Any) -> None:
    movable = [reviewed_card(student, f"fresco{n}", days_ago=12 + n / 10) for n in range(12)]
    nearly_forgotten = [reviewed_card(student, f"viejo{n}", days_ago=200) for n in range(3)]
    for card in [*movable, *nearly_forgotten]:
        card.refresh_from_db()
        assert card.state == fsrs.State.Review and card.due <= timezone.now()
    logs_before = list(ReviewLog.objects.filter(owner=student).values_list("id", "due_after"))
    old_due = {card.pk: card.due for card in movable}
    now = timezone.now()

    result = services.postpone_due(student, days=7, now=now)

    assert (result.moved, result.kept) == (12, 3)
    floor = services.postpone_floor(0.9)
    assert floor == pytest.approx(0.8)
    days = Counter()
    for card in movable:
        card.refresh_from_db()
        assert now < card.due <= now + dt.timedelta(days=7)
        assert recall(card, card.due) >= floor  # still likely remembered when it comes back
        days[card.due.date()] += 1
    assert max(days.values()) - min(days.values()) <= 1 and len(days) >= 6  # no spike
    for card in nearly_forgotten:
        card.refresh_from_db()
        assert card.due <= now and recall(card, now) < floor
    shifts = DueShift.objects.filter(owner=student)
    assert shifts.count() == 12
    for shift in shifts:
        assert shift.kind == "postpone" and shift.old_due == old_due[shift.card_id]
        assert shift.retrievability_after >= floor
        assert shift.retrievability_after <= shift.retrievability_before
    # The learner's history is untouched: the review log is the same rows, same values.
    assert list(ReviewLog.objects.filter(owner=student).values_list("id", "due_after")) == (
        logs_before
    )
    assert selectors.due_summary(student, now).review_count == 3


def test_a_higher_desired_retention_lets_cards_wait_less(student: Any) -> None:
    cards = [reviewed_card(student, f"palabra{n}", days_ago=13) for n in range(4)]
    services.update_schedule(student, desired_retention=0.97)
    # At 0.97 the floor is 0.87: the cards, at about 0.866 now, cannot wait a day.
    assert services.postpone_due(student, days=7) == services.ShiftResult(moved=0, kept=4)
    services.update_schedule(student, desired_retention=0.9)
    assert services.postpone_due(student, days=7) == services.ShiftResult(moved=4, kept=0)
    for card in cards:
        card.refresh_from_db()
        assert recall(card, card.due) >= 0.8


def test_advance_makes_the_coming_days_due_now(student: Any) -> None:
    # fsrs's first Easy interval is 8 days (the empty bank's load changes nothing).
    soon = reviewed_card(student, "pronto", days_ago=6)  # due in two days
    later = reviewed_card(student, "tarde", days_ago=0)  # due in eight
    learning = services.add_word(student, text="nuevo", language="es").word.card
    soon_due, later_due = soon.due, later.due
    assert timezone.now() < soon_due < timezone.now() + dt.timedelta(days=5) < later_due
    now = timezone.now()

    result = services.advance_due(student, days=5, now=now)

    assert result.moved == 1
    soon.refresh_from_db()
    later.refresh_from_db()
    learning.refresh_from_db()
    assert soon.due == now and later.due == later_due and learning.last_review is None
    shift = DueShift.objects.get(owner=student)
    assert (shift.kind, shift.old_due, shift.new_due) == ("advance", soon_due, now)
    assert shift.retrievability_after > shift.retrievability_before  # reviewed earlier
    assert soon.pk in selectors.due_summary(student, now).card_ids
    answered = services.submit_review(
        student, card_id=soon.pk, rating=3, reviewed_at=now + dt.timedelta(seconds=5),
        duration_ms=900, idempotency_key="early",
    )  # fmt: skip
    assert answered.log.was_due
    assert services.advance_due(student, days=5).moved == 0  # nothing left to advance


def test_api_postpone_and_advance(api_client: Any, student: Any, other_student: Any) -> None:
    reviewed_card(student, "mío", days_ago=12)
    theirs = reviewed_card(other_student, "suyo", days_ago=12)
    api_client.force_login(student)
    refused = api_client.post("/api/v1/reviews/postpone/", {"days": 0}, format="json")
    assert refused.status_code == 400
    done = api_client.post("/api/v1/reviews/postpone/", {"days": 7}, format="json")
    assert done.status_code == 200 and done.json() == {"moved": 1, "kept": 0}
    ahead = api_client.post("/api/v1/reviews/advance/", {"days": 30}, format="json")
    assert ahead.status_code == 200 and ahead.json()["moved"] == 1
    theirs_due = theirs.due
    theirs.refresh_from_db()
    assert theirs.due == theirs_due  # another learner's cards never move
    assert (
        api_client.post("/api/v1/reviews/advance/", {"days": 31}, format="json").status_code == 400
    )


def test_review_page_controls_confirm_and_history(
    client: Any, student: Any, assert_num_queries: Any
) -> None:
    reviewed_card(student, "uno", days_ago=12)
    client.force_login(student)
    page = client.get("/vocabulary/review/").content.decode()
    assert 'data-testid="postpone-form"' in page and 'data-testid="advance-form"' in page
    unconfirmed = client.post("/vocabulary/review/postpone/", {"days": 7}, follow=True)
    assert "Tick the box to confirm" in unconfirmed.content.decode()
    assert not DueShift.objects.exists()
    moved = client.post("/vocabulary/review/postpone/", {"days": 7, "confirm": "on"}, follow=True)
    assert "1 card postponed" in moved.content.decode()
    assert 'data-testid="shift-history"' in moved.content.decode()
    # session, user, profile, schedule, review count, backlog, history, today's due
    # (zone, counts, ids x2), permissions, site settings…: nothing is due after the postpone,
    # so no cards are drawn on the server; with cards due (below) the cards and their
    # distractor pool add two, the same with more history.
    with assert_num_queries(18):
        client.get("/vocabulary/review/")
    for number in range(3):
        reviewed_card(student, f"más{number}", days_ago=12)
        client.post("/vocabulary/review/postpone/", {"days": 3, "confirm": "on"})
    client.post("/vocabulary/review/advance/", {"days": 30, "confirm": "on"})
    with assert_num_queries(20):
        again = client.get("/vocabulary/review/")
    assert again.content.decode().count("cards advanced") == 1
