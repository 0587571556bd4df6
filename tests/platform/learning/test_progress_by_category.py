"""The progress page's "by category" counts: completed out of the category's live lessons,
not out of those the learner happened to start."""

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_a_category_counts_its_live_lessons(
    api_client: Any, student: Any, make_lesson: Any, assert_num_queries: Any
) -> None:
    lessons = [make_lesson(f"Lesson {n}") for n in range(4)]
    make_lesson("Still a draft", publish=False)
    api_client.force_login(student)
    response = api_client.post(f"/api/v1/lessons/{lessons[0].id}/complete/", {}, format="json")
    assert response.status_code == 200, response.json()

    with assert_num_queries(5):
        rows = api_client.get("/api/v1/progress/categories/").json()["results"]
    assert len(rows) == 1
    assert rows[0]["category"]["title"] == "Basics"
    assert rows[0]["lessons_total"] == 4
    assert (rows[0]["lessons_started"], rows[0]["lessons_completed"]) == (1, 1)

    page = api_client.get("/learn/progress/")
    assert page.status_code == 200
    assert "1 of 4" in page.content.decode()
