"""Learning charts: drop-off per step of a lesson, and the course and level filters of the
lesson completion, drop-off and exercise accuracy charts (known answers, pinned queries)."""

import csv
import io
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics import selectors, services
from cms.learning.models import SubcategoryPage
from core import activity

pytestmark = pytest.mark.django_db

VOICE = {
    "expected_text": "Hello",
    "language": "en",
    "show_text": True,
    "pass_score": 50,
    "points": 1,
    "hints": [],
}


def voice(prompt: str) -> tuple[str, dict[str, Any]]:
    return ("voice", {**VOICE, "prompt": prompt})


@pytest.fixture
def courses(learning_tree, make_lesson, user_factory, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Course "Greetings": lesson "Steps" (A2, three steps) answered by 4, 3 and 2 learners
    and finished by 1. Course "Travel": lesson "Tickets" (B1, one step) answered by 5, two
    of them wrongly. All today."""
    travel = SubcategoryPage(title="Travel", slug="travel")
    learning_tree["category"].add_child(instance=travel)
    travel.save_revision().publish()
    steps = make_lesson("Steps", body=[voice("One"), voice("Two"), voice("Three")], level="A2")
    tickets = make_lesson("Tickets", body=[voice("Ticket")], level="B1")
    tickets.move(travel, pos="last-child")
    tickets.refresh_from_db()
    today = selectors.today()
    at = datetime.combine(today, time(12), tzinfo=UTC)

    def answer(person: Any, lesson: Any, step: int, score: float = 1.0) -> None:
        block = lesson.exercises()[step]
        with django_capture_on_commit_callbacks(execute=True):
            activity.record(
                person,
                "learning.exercise_attempted",
                occurred_at=at,
                level=lesson.level,
                language="en",
                platform="web",
                data={
                    "lesson_id": lesson.pk,
                    "block_id": str(block.id),
                    "exercise_type": block.block_type,
                    "score": score,
                },
            )

    people = [user_factory() for _ in range(5)]
    for n, person in enumerate(people[:4]):
        for step in range(3 - max(0, n - 1)):  # 3, 3, 2, 1 steps: 4, 3, 2 per step
            answer(person, steps, step)
    with django_capture_on_commit_callbacks(execute=True):
        activity.record(
            people[0],
            "learning.lesson_completed",
            occurred_at=at,
            level="A2",
            data={
                "lesson_id": steps.pk,
                "translation_key": str(steps.translation_key),
                "parent_path": "",
                "score": 1,
                "time_spent_seconds": 60,
                "first_time": True,
            },
        )
    for n, person in enumerate(people):
        answer(person, tickets, 0, score=0.0 if n < 2 else 1.0)
    services.roll_up_range(today - timedelta(days=1), today)
    return {
        "steps": steps,
        "tickets": tickets,
        "greetings": learning_tree["subcategory"],
        "travel": travel,
    }


def get(api_client: Any, key: str, **params: Any) -> dict[str, Any]:
    query = "&".join(f"{k}={v}" for k, v in {"days": 7, **params}.items())
    response = api_client.get(f"/api/v1/analytics/charts/{key}/?{query}")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def test_drop_off_per_step_of_a_chosen_lesson(api_client, admin, courses) -> None:  # type: ignore[no-untyped-def]
    api_client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        chart = get(api_client, "lesson_steps", lesson=courses["steps"].pk)
    # Session, user, the lesson rollups, the lesson's body, its step rollups.
    assert len(queries) == 5, [q["sql"] for q in queries]
    assert chart["title"] == "Drop-off per step: Steps"
    assert chart["rows"] == [
        ["1. voice", 4, 100.0],
        ["2. voice", 3, 75.0],
        ["3. voice", 2, 50.0],
        ["Finished", 1, 25.0],
    ]
    csv_rows = list(
        csv.reader(
            io.StringIO(
                api_client.get(
                    f"/api/v1/analytics/charts/lesson_steps/csv/?days=7&lesson={courses['steps'].pk}"
                ).content.decode()
            )
        )
    )
    assert csv_rows[0] == ["Step", "Learners", "Share of step 1 (percent)"]
    assert csv_rows[-1] == ["Finished", "1", "25.0"]


def test_without_a_lesson_the_most_practised_one_within_the_filters(
    api_client, admin, courses
) -> None:  # type: ignore[no-untyped-def]
    api_client.force_login(admin)
    assert get(api_client, "lesson_steps")["rows"] == [["1. voice", 5, 100.0], ["Finished", 0, 0.0]]
    by_level = get(api_client, "lesson_steps", level="A2")
    assert by_level["lesson"] == courses["steps"].pk
    with CaptureQueriesContext(connection) as queries:
        by_course = get(api_client, "lesson_steps", course=courses["greetings"].pk)
    assert by_course["lesson"] == courses["steps"].pk
    # Session, user, the course's lessons, the lesson rollups, the body, the step rollups.
    assert len(queries) == 6
    # A lesson outside the filters is not shown: the most practised inside them is.
    other = get(api_client, "lesson_steps", course=courses["travel"].pk, lesson=courses["steps"].pk)
    assert other["lesson"] == courses["tickets"].pk
    empty = get(api_client, "lesson_steps", level="C2")
    assert empty["rows"] == [] and "No lesson was practised" in empty["notes"]


def test_completion_and_accuracy_narrow_to_a_course_and_a_level(api_client, admin, courses) -> None:  # type: ignore[no-untyped-def]
    api_client.force_login(admin)
    everything = get(api_client, "lesson_completion")
    assert [row[:3] for row in everything["rows"]] == [["Tickets", 5, 0], ["Steps", 4, 1]]
    greetings = get(api_client, "lesson_completion", course=courses["greetings"].pk)
    assert [row[:3] for row in greetings["rows"]] == [["Steps", 4, 1]]
    assert [row[0] for row in get(api_client, "lesson_completion", level="B1")["rows"]] == [
        "Tickets"
    ]
    # 9 answers in Steps all right, 5 in Tickets of which 2 wrong.
    assert get(api_client, "exercise_accuracy")["rows"] == [["voice", 85.7, 14]]
    with CaptureQueriesContext(connection) as queries:
        travel = get(api_client, "exercise_accuracy", course=courses["travel"].pk)
    assert travel["rows"] == [["voice", 60.0, 5]] and len(queries) == 3
    assert get(api_client, "exercise_accuracy", level="A2")["rows"] == [["voice", 100.0, 9]]
    failed = get(api_client, "most_failed", level="A2")
    assert failed["rows"] == []


def test_a_bad_filter_is_a_400(api_client, admin) -> None:  # type: ignore[no-untyped-def]
    api_client.force_login(admin)
    response = api_client.get("/api/v1/analytics/charts/lesson_steps/?level=Z9&course=x")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"level", "course"}


def test_the_learning_dashboard_offers_the_filters(client, admin, courses) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    page = client.get(f"/admin/analytics/learning/?course={courses['travel'].pk}&level=B1")
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<option value="{courses["travel"].pk}" selected>Travel</option>' in html
    assert '<option value="B1" selected>' in html
    assert "Tickets</option>" in html and "Steps</option>" not in html
    assert (
        f"/api/v1/analytics/charts/lesson_steps/?days=90&amp;currency=USD&amp;course={courses['travel'].pk}&amp;level=B1"
        in html
    )
