"""The learning dashboard's vocabulary chart: words added and mastered, reviews, recall."""

from datetime import date

import pytest

from analytics import selectors, services

pytestmark = pytest.mark.django_db


def test_words_and_the_recall_rate_per_week(user_factory, act, api_client, admin) -> None:  # type: ignore[no-untyped-def]
    ana = user_factory()
    day = "2026-03-03"
    act(ana, day, kind="vocabulary.word_added", word_id=1, source="manual")
    act(ana, day, kind="vocabulary.word_added", word_id=2, source="lesson")
    act(ana, day, kind="vocabulary.word_mastered", word_id=1)
    for rating in (1, 3, 3, 4):
        act(
            ana,
            day,
            kind="vocabulary.card_reviewed",
            card_id=1,
            rating=rating,
            was_due=True,
            duration_ms=900,
        )
    services.roll_up_day(date(2026, 3, 3))
    chart = selectors.vocabulary(selectors.Scope(date(2026, 3, 2), date(2026, 3, 8)))
    assert chart["columns"] == ["Week", "Words added", "Words mastered", "Reviews", "Recall %"]
    assert chart["rows"][-1] == ["2026-03-02", 2, 1, 4, 75.0]
    api_client.force_login(admin)
    answer = api_client.get("/api/v1/analytics/charts/vocabulary/?days=7&until=2026-03-08")
    assert answer.status_code == 200 and answer.json()["rows"][-1][1:] == [2, 1, 4, 75.0]
