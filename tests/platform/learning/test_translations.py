"""A lesson and its translations are one lesson for progress; the API serves the learner's
interface language."""

from typing import Any

import pytest

from accounts.models import Profile
from learning.models import LessonProgress

pytestmark = pytest.mark.django_db

QUIZ = [
    (
        "multiple_choice",
        {
            "question": "Which greeting is informal?",
            "choices": [
                {"text": "Hi", "is_correct": True},
                {"text": "Good evening", "is_correct": False},
            ],
            "explanation": "",
            "points": 2,
            "hints": [],
            "feedback_correct": "",
            "feedback_incorrect": "",
        },
    )
]


@pytest.fixture
def lessons(make_lesson, translate_lesson) -> dict[str, Any]:
    english = make_lesson("Greetings", body=QUIZ)
    return {"en": english, "es": translate_lesson(english, "es")}


def answer_and_complete(api_client: Any, lesson: Any) -> None:
    block = api_client.get(f"/api/v1/lessons/{lesson.id}/").json()["body"][0]
    hi = next(choice["id"] for choice in block["value"]["choices"] if choice["text"] == "Hi")
    response = api_client.post(
        f"/api/v1/lessons/{lesson.id}/exercises/{block['id']}/attempts/",
        {"answer": {"choices": [hi]}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    response = api_client.post(f"/api/v1/lessons/{lesson.id}/complete/", {}, format="json")
    assert response.status_code == 200, response.json()


def test_finishing_the_spanish_translation_completes_the_english_lesson(
    api_client, client, student, lessons
) -> None:
    english, spanish = lessons["en"], lessons["es"]
    assert spanish.locale.language_code == "es" and spanish.id != english.id
    api_client.force_login(student)
    answer_and_complete(api_client, spanish)

    listing = api_client.get("/api/v1/lessons/?locale=en").json()["results"]
    assert [(item["id"], item["progress"]["status"]) for item in listing] == [
        (english.id, "completed")
    ]
    detail = api_client.get(f"/api/v1/lessons/{english.id}/?locale=en").json()
    assert detail["progress"]["status"] == "completed"
    assert float(detail["progress"]["best_score"]) == 100.0

    # Taking the English one afterwards adds to the same record: one lesson, one row.
    answer_and_complete(api_client, english)
    progress = api_client.get("/api/v1/progress/").json()["results"]
    assert len(progress) == 1
    assert progress[0]["attempts"] == 2
    assert progress[0]["lesson"]["id"] == english.id, "the translation last worked in"
    assert LessonProgress.objects.filter(user=student).count() == 1

    client.force_login(student)
    catalog = client.get(english.get_parent().get_parent().get_parent().url).content.decode()
    assert "Completed" in catalog, "the English website catalog shows it done"


def test_the_api_serves_the_interface_language_of_the_profile(api_client, student, lessons) -> None:
    english, spanish = lessons["en"], lessons["es"]
    api_client.force_login(student)
    Profile.objects.filter(user=student).update(interface_language="es")
    # The profile's language comes before the browser's …
    detail = api_client.get(f"/api/v1/lessons/{english.id}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert (detail["id"], detail["locale"]) == (spanish.id, "es")
    listing = api_client.get("/api/v1/lessons/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]
    assert [item["locale"] for item in listing] == ["es"]
    # … and ?locale= before both.
    detail = api_client.get(f"/api/v1/lessons/{english.id}/?locale=en").json()
    assert (detail["id"], detail["locale"]) == (english.id, "en")

    Profile.objects.filter(user=student).update(interface_language="en")
    detail = api_client.get(f"/api/v1/lessons/{english.id}/", HTTP_ACCEPT_LANGUAGE="es").json()
    assert detail["locale"] == "en", "an English interface gets English lessons"
