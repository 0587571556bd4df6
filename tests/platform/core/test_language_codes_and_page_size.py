"""Language codes from clients are checked against the project's list wherever they are
stored, and ``page_size`` is a whole number from 1 (clamped at the maximum)."""

from typing import Any

import pytest

from rooms.models import Room
from translation.models import InterpreterSession, PhrasebookEntry

pytestmark = pytest.mark.django_db

BAD_CODES = ["zz", "<b>x</b>", "english", ""]


@pytest.mark.parametrize("code", BAD_CODES)
def test_phrasebook_refuses_unknown_language_codes(
    api_client: Any, student: Any, code: str
) -> None:
    api_client.force_login(student)
    response = api_client.post(
        "/api/v1/translate/phrasebook/",
        {"source_language": code, "target_language": "es", "source_text": "Hi",
         "translated_text": "Hola"},
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["fields"]["source_language"]
    assert not PhrasebookEntry.objects.exists()


def test_known_codes_and_regional_variants_are_accepted(api_client: Any, student: Any) -> None:
    api_client.force_login(student)
    for number, (source, target) in enumerate([("en", "es"), ("pt-br", "zh"), ("en-GB", "oc")]):
        response = api_client.post(
            "/api/v1/translate/phrasebook/",
            {"source_language": source, "target_language": target,
             "source_text": f"Hi {number}", "translated_text": "x"},
        )  # fmt: skip
        assert response.status_code == 201, response.json()


def test_conversation_rooms_and_ai_refuse_unknown_codes(
    api_client: Any, student: Any, teacher: Any
) -> None:
    api_client.force_login(student)
    response = api_client.post(
        "/api/v1/translate/conversations/", {"language_a": "en", "language_b": "<b>x</b>"}
    )
    assert response.status_code == 400 and "language_b" in response.json()["fields"]
    assert not InterpreterSession.objects.exists()
    response = api_client.post("/api/v1/rooms/", {"topic": "Tea", "language": "zz"})
    assert response.status_code == 400 and "language" in response.json()["fields"]
    assert not Room.objects.exists()
    for url, extra in (("/api/v1/ai/grammar/", {}), ("/api/v1/ai/writing/", {})):
        response = api_client.post(url, {"text": "I has a cat today.", "language": "zz", **extra})
        assert response.status_code == 400, url
        assert "language" in response.json()["fields"]


@pytest.mark.parametrize("size", ["0", "-5", "abc", "1.5"])
def test_a_bad_page_size_is_a_400(api_client: Any, student: Any, size: str) -> None:
    api_client.force_login(student)
    response = api_client.get("/api/v1/translate/phrasebook/", {"page_size": size})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert "page_size" in response.json()["fields"]


def test_a_huge_page_size_is_clamped_to_the_maximum(
    api_client: Any, student: Any, other_student: Any
) -> None:
    from translation.services import save_phrase

    for number in range(102):
        save_phrase(student, source_language="en", target_language="es",
                    source_text=f"p{number}", translated_text="x")  # fmt: skip
    api_client.force_login(student)
    body = api_client.get("/api/v1/translate/phrasebook/", {"page_size": "10" * 30}).json()
    assert len(body["results"]) == 100 and body["next"]
    # Cursor-paginated lists follow the same rule.
    from messaging.services import start_conversation

    conversation, _ = start_conversation(student, [other_student])
    url = f"/api/v1/conversations/{conversation.pk}/messages/"
    assert api_client.get(url, {"page_size": "5"}).status_code == 200
    response = api_client.get(url, {"page_size": "-1"})
    assert response.status_code == 400 and "page_size" in response.json()["fields"]
