"""The demo's 90 days of activity: every chart has something to show; a second run is a no-op."""

import time

import pytest

from analytics import demo, selectors
from analytics.models import ActivityEvent, DailyActive

pytestmark = pytest.mark.django_db


def test_demo_activity_fills_every_chart_and_is_generated_once(admin, make_lesson) -> None:  # type: ignore[no-untyped-def]
    # A lesson with exercise steps, as the learning demo makes: drop-off per step needs one.
    step = {"expected_text": "Hola", "language": "es", "show_text": True, "pass_score": 50}
    make_lesson(
        "Saludos",
        body=[("voice", {**step, "prompt": p, "points": 1, "hints": []}) for p in ("1", "2")],
    )
    started = time.perf_counter()
    summary = demo.ensure_demo_activity()
    seconds = time.perf_counter() - started
    print(f"\n{summary}; the whole step took {seconds:.1f} s")  # speed: benchmarks/analytics
    assert DailyActive.objects.count() == demo.DAYS
    events = ActivityEvent.objects.count()
    assert demo.ensure_demo_activity() == "Analytics: demo activity already generated"
    assert ActivityEvent.objects.count() == events

    today = selectors.today()
    from datetime import timedelta

    scope = selectors.Scope(today - timedelta(days=89), today)
    empty = []
    for key in selectors.CHARTS:
        if key in {
            "bookings",
            "availability_fill_rate",
            "revenue",
            "payouts_pending",
            "earnings",
            "time_to_verification",
        }:
            continue  # real bookings, hours, payments, certificates: their apps' demos make those
        chart = selectors.CHARTS[key](scope)
        numbers = [
            cell for row in chart["rows"] for cell in row[1:] if isinstance(cell, (int, float))
        ]
        if not any(numbers):
            empty.append(key)
    assert empty == []
    active = selectors.active_users(scope)["rows"]
    assert 5 < active[-1][1] < active[-1][3]  # DAU below MAU, and not nothing
