"""The learner API: catalog, lesson detail without answers, attempts, completion, progress."""

import json
from typing import Any

import pytest
from wagtail.models import Locale

from cms.learning.demo import every_exercise_body
from learning.models import ExerciseAttempt

pytestmark = pytest.mark.django_db

# Every answer text of every_exercise_body() that a learner could copy if it leaked.
SECRETS = {
    "multiple_choice": ['"correct"', "is_correct", "“Hi” is what friends say", "Well done!"],
    "fill_blank": ["[[", "'s", '"answers"', "Perfect!"],
    "ordering": ['"Hello!", "Hi, how are you?"'],
    "matching": ['"pairs"'],
    "drag_words": ['"answer"', "[[Goodbye]]"],
    "voice": ["expected_text", "pass_score", "You sound great!"],
}


@pytest.fixture
def lesson(make_lesson) -> Any:
    return make_lesson("Hello and goodbye", body=every_exercise_body())


def blocks_by_type(client, lesson) -> dict[str, Any]:
    response = client.get(f"/api/v1/lessons/{lesson.id}/")
    assert response.status_code == 200
    return {block["type"]: block for block in response.json()["body"]}


@pytest.mark.parametrize("exercise_type", sorted(SECRETS))
def test_lesson_detail_never_exposes_answers(api_client, student, lesson, exercise_type) -> None:
    api_client.force_login(student)
    block = blocks_by_type(api_client, lesson)[exercise_type]
    assert block["exercise"] is True
    text = json.dumps(block, ensure_ascii=False)
    for secret in SECRETS[exercise_type]:
        assert secret not in text, f"{exercise_type} leaks {secret!r}"
    if exercise_type == "ordering":
        texts = [item["text"] for item in block["value"]["items"]]
        ids = [item["id"] for item in block["value"]["items"]]
        assert ids == sorted(ids), "listed in id order, not answer order"
        assert sorted(texts) == sorted(
            ["Hello!", "Hi, how are you?", "I'm fine, thanks. And you?", "Very well, thank you."]
        )
    if exercise_type == "matching":
        assert [r["id"] for r in block["value"]["right"]] == sorted(
            r["id"] for r in block["value"]["right"]
        )
    if exercise_type == "voice":
        assert block["value"]["text_to_read"] == "Good morning, how are you?", (
            "read aloud: the text is the task"
        )


def test_a_voice_task_that_is_not_read_aloud_hides_the_expected_text(
    api_client, student, make_lesson
) -> None:
    lesson = make_lesson(
        "Directions",
        body=[
            (
                "voice",
                {
                    "prompt": "Ask for the station",
                    "expected_text": "Where is the station?",
                    "language": "en",
                    "show_text": False,
                    "pass_score": 50,
                    "points": 1,
                    "hints": [],
                },
            )
        ],
    )
    api_client.force_login(student)
    assert (
        "Where is the station"
        not in api_client.get(f"/api/v1/lessons/{lesson.id}/").content.decode()
    )


def test_the_lesson_page_html_holds_no_answers(client, student, lesson) -> None:
    client.force_login(student)
    html = client.get(lesson.url).content.decode()
    assert "Read this greeting aloud." in html
    for secret in ["is_correct", "“Hi” is what friends say", "[[", "Perfect!", "You sound great!"]:
        assert secret not in html


def answer_everything(api_client, lesson, wrong: bool = False) -> dict[str, Any]:
    blocks = blocks_by_type(api_client, lesson)
    mc = blocks["multiple_choice"]["value"]
    hi = next(c["id"] for c in mc["choices"] if c["text"] == ("Good evening" if wrong else "Hi"))
    order = {item["text"]: item["id"] for item in blocks["ordering"]["value"]["items"]}
    matching = blocks["matching"]["value"]
    right_by_text = {r["text"]: r["id"] for r in matching["right"]}
    times = {"Good morning": "8 a.m.", "Good afternoon": "3 p.m.", "Good evening": "7 p.m."}
    words = {w["text"]: w["id"] for w in blocks["drag_words"]["value"]["words"]}
    answers = {
        "multiple_choice": {"choices": [hi]},
        "fill_blank": {"blanks": {"b1": "IS", "b2": "meet!"}},
        "ordering": {
            "order": [
                order[t]
                for t in [
                    "Hello!",
                    "Hi, how are you?",
                    "I'm fine, thanks. And you?",
                    "Very well, thank you.",
                ]
            ]
        },
        "matching": {
            "matches": {left["id"]: right_by_text[times[left["text"]]] for left in matching["left"]}
        },
        "drag_words": {"gaps": {"g1": words["Goodbye"], "g2": words["tomorrow"]}},
    }
    results = {}
    for exercise_type, answer in answers.items():
        response = api_client.post(
            f"/api/v1/lessons/{lesson.id}/exercises/{blocks[exercise_type]['id']}/attempts/",
            {"answer": answer, "time_spent_seconds": 10},
            format="json",
        )
        assert response.status_code == 201, response.json()
        results[exercise_type] = response.json()
    return {"blocks": blocks, "results": results}


def test_attempts_are_scored_and_the_lesson_completed(api_client, student, lesson) -> None:
    api_client.force_login(student)
    done = answer_everything(api_client, lesson)
    for exercise_type, result in done["results"].items():
        assert result["status"] == "scored"
        assert result["correct"] is True, exercise_type
        assert result["score"] == 100.0
    assert done["results"]["multiple_choice"]["explanation"].startswith("“Hi”")

    response = api_client.post(f"/api/v1/lessons/{lesson.id}/complete/", {}, format="json")
    assert response.status_code == 409, "the voice exercise is still unanswered"
    assert response.json()["code"] == "exercises_remaining"

    # The voice answer is a recording: it waits for the ML service (not running here).
    voice = done["blocks"]["voice"]
    audio = ("speech.wav", b"RIFF....WAVEfmt fake", "audio/wav")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api_client.post(
        f"/api/v1/lessons/{lesson.id}/exercises/{voice['id']}/attempts/",
        {"audio": SimpleUploadedFile(*audio)},
        format="multipart",
    )
    assert response.status_code == 202
    assert response.json()["status"] == "pending"

    response = api_client.post(
        f"/api/v1/lessons/{lesson.id}/complete/", {"time_spent_seconds": 30}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "completed"
    assert float(body["best_score"]) == pytest.approx(100 * 10 / 12, abs=0.01), (
        "10 of 12 points until the voice is scored"
    )

    progress = api_client.get("/api/v1/progress/").json()["results"]
    assert progress[0]["lesson"]["id"] == lesson.id
    assert progress[0]["attempts"] == 6
    assert progress[0]["time_spent_seconds"] == 10 * 5 + 30
    categories = api_client.get("/api/v1/progress/categories/").json()["results"]
    assert categories[0]["category"]["title"] == "Basics"
    assert categories[0]["lessons_completed"] == 1


@pytest.mark.parametrize(
    ("exercise_type", "answer", "field"),
    [
        ("multiple_choice", {"choices": []}, "answer.choices"),
        ("multiple_choice", {"choices": ["nope"]}, "answer.choices"),
        ("fill_blank", {"blanks": ["is", "meet"]}, "answer.blanks"),
        ("fill_blank", {"blanks": {"b1": "is"}}, "answer.blanks"),
        ("ordering", {"order": ["x"]}, "answer.order"),
        ("matching", {"matches": {}}, "answer.matches"),
        ("drag_words", {"gaps": {"g1": "zzz", "g2": "zzz"}}, "answer.gaps"),
        ("drag_words", "not an object", "answer"),
        ("voice", {"text": "hello"}, "audio"),
    ],
)
def test_malformed_attempts_are_400_with_field_errors(
    api_client, student, lesson, exercise_type, answer, field
) -> None:
    api_client.force_login(student)
    block = blocks_by_type(api_client, lesson)[exercise_type]
    response = api_client.post(
        f"/api/v1/lessons/{lesson.id}/exercises/{block['id']}/attempts/",
        {"answer": answer},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["fields"]
    assert not ExerciseAttempt.objects.exists()


def test_unknown_exercise_is_404(api_client, student, lesson) -> None:
    api_client.force_login(student)
    response = api_client.post(
        f"/api/v1/lessons/{lesson.id}/exercises/nope/attempts/", {"answer": {}}, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "exercise_not_found"


def test_a_learner_never_sees_another_learners_attempts_or_progress(
    api_client, student, other_student, lesson
) -> None:
    api_client.force_login(student)
    attempt_id = answer_everything(api_client, lesson)["results"]["ordering"]["id"]
    assert api_client.get(f"/api/v1/attempts/{attempt_id}/").status_code == 200
    api_client.force_login(other_student)
    assert api_client.get(f"/api/v1/attempts/{attempt_id}/").status_code == 404
    assert api_client.get("/api/v1/progress/").json()["results"] == []


def test_the_api_needs_a_login(api_client, lesson) -> None:
    assert api_client.get("/api/v1/lessons/").status_code in (401, 403)


def test_lesson_list_filters_and_search(api_client, student, make_lesson, learning_tree) -> None:
    make_lesson(
        "At the café", body=[("paragraph", "<p>Order a cappuccino politely.</p>")], level="A2"
    )
    make_lesson(
        "Numbers",
        description="Count to twenty",
        body=[("paragraph", "<p>one two three</p>")],
        target_language="es",
    )
    make_lesson("Draft", publish=False)
    api_client.force_login(student)

    def titles(query: str) -> list[str]:
        response = api_client.get(f"/api/v1/lessons/{query}")
        assert response.status_code == 200, response.json()
        return [lesson["title"] for lesson in response.json()["results"]]

    assert sorted(titles("")) == ["At the café", "Numbers"]
    assert titles("?search=cappuccino") == ["At the café"], "body text is searched"
    assert titles("?search=twenty") == ["Numbers"], "the description is searched"
    assert titles("?level=A2") == ["At the café"]
    assert titles("?language=es") == ["Numbers"]
    assert sorted(titles(f"?category={learning_tree['category'].id}")) == ["At the café", "Numbers"]
    assert api_client.get("/api/v1/lessons/?level=Z9&category=999999").json()["fields"].keys() == {
        "level",
        "category",
    }


def test_search_does_not_find_a_lesson_by_its_answers(api_client, student, make_lesson) -> None:
    make_lesson(
        "Fruit",
        body=[
            (
                "matching",
                {
                    "instructions": "Match",
                    "pairs": [
                        {"left": "apple", "right": "manzana"},
                        {"left": "pear", "right": "pera"},
                    ],
                    "points": 1,
                    "hints": [],
                },
            ),
            (
                "fill_blank",
                {"instructions": "Fill", "text": "I eat [[zucchini]].", "points": 1, "hints": []},
            ),
        ],
    )
    api_client.force_login(student)
    assert api_client.get("/api/v1/lessons/?search=zucchini").json()["count"] == 0
    assert api_client.get("/api/v1/lessons/?search=apple").json()["count"] == 1


@pytest.mark.parametrize("page_size", [2, 10])
def test_lesson_list_query_count_does_not_grow_with_page_size(
    api_client, student, make_lesson, assert_num_queries, page_size
) -> None:
    from cms.learning.demo import _image

    for number in range(10):
        cover = _image(f"Cover {number}", (20 * number, 90, 160))
        make_lesson(f"Lesson {number}", body=every_exercise_body(), cover_image=cover)
    api_client.force_login(student)
    # Warms the site-root cache and makes the card renditions, as on a running server.
    api_client.get("/api/v1/lessons/")
    with assert_num_queries(12):
        response = api_client.get(f"/api/v1/lessons/?page_size={page_size}")
    results = response.json()["results"]
    assert len(results) == page_size
    for lesson in results:
        cover = lesson["cover_image"]
        assert ".fill-480x270" in cover["url"], "a card-sized rendition, not the original"
        assert (cover["width"], cover["height"]) == (480, 270)


def test_the_website_catalog_query_count_does_not_grow_with_the_lessons(
    client, student, make_lesson, learning_tree
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms.learning.demo import _image

    url = learning_tree["index"].url
    client.force_login(student)
    counts = []
    for number in range(8):
        cover = _image(f"Cover {number}", (20 * number, 90, 160))
        make_lesson(f"Lesson {number}", cover_image=cover)
        if number in (1, 7):
            client.get(url)  # makes the new covers' renditions once
            with CaptureQueriesContext(connection) as queries:
                html = client.get(url).content.decode()
            counts.append(len(queries))
            assert html.count(".fill-480x270") == number + 1
    assert counts[0] == counts[1], counts


def test_categories_tree_with_lesson_counts(
    api_client, student, make_lesson, assert_num_queries
) -> None:
    make_lesson("One")
    make_lesson("Two")
    make_lesson("Draft", publish=False)
    api_client.force_login(student)
    api_client.get("/api/v1/categories/")
    with assert_num_queries(11):
        response = api_client.get("/api/v1/categories/")
    category = response.json()["results"][0]
    assert category["title"] == "Basics"
    assert category["lesson_count"] == 2
    assert category["subcategories"] == [
        {
            "id": category["subcategories"][0]["id"],
            "title": "Greetings",
            "slug": "greetings",
            "lesson_count": 2,
        }
    ]


def test_locale_with_fallback_to_the_source(
    api_client, student, make_lesson, django_capture_on_commit_callbacks
) -> None:
    from cms.learning.demo import SPANISH, _translate

    lesson = make_lesson("Greetings")
    other = make_lesson("Numbers")
    spanish = Locale.objects.get(language_code="es")
    SPANISH["Greetings"] = "Saludos"
    node = lesson
    chain = [p.specific for p in lesson.get_ancestors().filter(depth__gte=3)] + [lesson]
    for page in chain:
        if not page.has_translation(spanish):
            # wagtail-localize publishes translations after commit.
            with django_capture_on_commit_callbacks(execute=True):
                node = _translate(page, spanish)
    api_client.force_login(student)
    titles = sorted(
        item["title"] for item in api_client.get("/api/v1/lessons/?locale=es").json()["results"]
    )
    assert titles == ["Numbers", "Saludos"], "translated where it can, the source elsewhere"
    assert api_client.get("/api/v1/lessons/", HTTP_ACCEPT_LANGUAGE="es").json()["count"] == 2
    detail = api_client.get(f"/api/v1/lessons/{lesson.id}/?locale=es").json()
    assert (detail["title"], detail["locale"], detail["id"]) == ("Saludos", "es", node.id)
    assert api_client.get(f"/api/v1/lessons/{other.id}/?locale=es").json()["locale"] == "en"


def test_attempts_and_completion_are_announced_to_the_activity_bus(
    api_client, student, make_lesson, django_capture_on_commit_callbacks
) -> None:
    from core import activity

    seen: list[Any] = []

    def receiver(sender: str, event: Any, **kwargs: Any) -> None:
        if event.app == "learning":  # other apps' receivers announce their own (XP, badges)
            seen.append(event)

    lesson = make_lesson("Announced", body=every_exercise_body()[:2])
    api_client.force_login(student)
    choice = blocks_by_type(api_client, lesson)["multiple_choice"]
    activity.activity.connect(receiver, dispatch_uid="learning-test")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post(
                f"/api/v1/lessons/{lesson.id}/exercises/{choice['id']}/attempts/",
                {"answer": {"choices": [choice["value"]["choices"][1]["id"]]}},
                format="json",
            )
            assert response.status_code == 201, response.json()
            api_client.post(f"/api/v1/lessons/{lesson.id}/complete/", {}, format="json")
            api_client.post(f"/api/v1/lessons/{lesson.id}/complete/", {}, format="json")
    finally:
        activity.activity.disconnect(dispatch_uid="learning-test")
    kinds = [event.kind for event in seen]
    assert kinds == [
        "learning.exercise_attempted",
        "learning.lesson_completed",
        "learning.lesson_completed",
    ], kinds
    assert seen[0].user_id == student.pk and seen[0].language == lesson.target_language
    assert [event.data["first_time"] for event in seen[1:]] == [True, False]
    assert seen[1].data["parent_path"] == lesson.get_parent().path
