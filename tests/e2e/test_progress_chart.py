"""The progress page's chart: server-rendered SVG with a text alternative and a data table,
readable day by day with the keyboard once JavaScript has enhanced it."""

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_the_progress_chart_is_readable_without_sight_and_with_the_keyboard(
    page, live_server, demo_site, screenshot
) -> None:
    from accounts.models import User
    from cms.learning.models import LessonPage
    from learning.models import AttemptStatus, ExerciseAttempt

    student = User.objects.get(email="student@toto.localhost")
    lesson = LessonPage.objects.get(title="Hello and goodbye", locale__language_code="en")
    exercise = lesson.exercises()[0]
    now = timezone.now()
    # 1, 3 and 5 answers on three days: 2 days ago all right, today half right.
    for days_ago, count, score in [(6, 1, "0.5"), (2, 3, "1"), (0, 5, "0.5")]:
        with mock.patch("django.utils.timezone.now", return_value=now - timedelta(days=days_ago)):
            for _ in range(count):
                ExerciseAttempt.objects.create(
                    user=student,
                    lesson=lesson,
                    block_id=exercise.id,
                    exercise_type=exercise.block.exercise_type,
                    answer={},
                    status=AttemptStatus.SCORED,
                    score=Decimal(score),
                    points=Decimal(score),
                    max_points=Decimal(1),
                    correct=score == "1",
                    scored_at=timezone.now(),
                )

    client = Client()
    client.force_login(student)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(live_server.url + "/learn/progress/")

    chart = page.locator("[data-progress-chart]")
    image = chart.get_by_role("img")
    expect(image).to_have_accessible_name(
        "Bar chart: exercises answered per day 9 exercises answered on 3 of the last 14 days,"
        " average score 66.7%. Percentages under the bars are the day's average score."
    )
    expect(chart.locator(".chart-bar")).to_have_count(14)
    expect(chart.locator(".chart-count")).to_have_text(["1", "3", "5"])

    # Keyboard: focus the chart, the readout announces the last day, arrows move.
    expect(chart.locator(".chart-help")).to_be_visible()
    page.keyboard.press("Tab")
    chart.focus()
    readout = chart.locator(".chart-readout")
    expect(readout).to_contain_text("5 exercises, average score 50.0%")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(readout).to_contain_text("3 exercises, average score 100.0%")
    expect(chart.locator(".chart-bar.is-selected")).to_have_count(1)
    screenshot("chart-keyboard")

    # Pointer.
    chart.locator(".chart-bar").nth(7).hover()
    expect(readout).to_contain_text("1 exercise, average score 50.0%")

    # The same numbers as a table.
    page.get_by_text("Chart data as a table").click()
    rows = page.locator("details table tbody tr")
    expect(rows).to_have_count(14)
    expect(rows.nth(13)).to_contain_text("5")
    expect(rows.nth(13)).to_contain_text("50.0%")
    screenshot("chart-table")
