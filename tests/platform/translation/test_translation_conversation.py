"""Conversation mode: each typed turn is detected and translated for the other side."""

from typing import Any

import pytest

from translation.models import InterpreterSession

URL = "/api/v1/translate/conversations/"
pytestmark = pytest.mark.django_db


def test_turns_are_translated_for_the_other_speaker(
    api_client: Any, funded: Any, live_ml: str
) -> None:
    api_client.force_login(funded)
    conversation = api_client.post(URL, {"language_a": "en", "language_b": "es"}).json()
    turns = f"{URL}{conversation['id']}/turns/"

    first = api_client.post(turns, {"text": "Where is the train station, please?"})
    assert first.status_code == 201, first.json()
    assert (first.json()["speaker"], first.json()["target_language"]) == ("a", "es")

    second = api_client.post(turns, {"text": "La estación está cerca del museo de la ciudad."})
    assert second.status_code == 201, second.json()
    assert (second.json()["speaker"], second.json()["target_language"]) == ("b", "en")
    assert "museum" in second.json()["translated_text"].lower()

    detail = api_client.get(f"{URL}{conversation['id']}/").json()
    assert [turn["speaker"] for turn in detail["turns"]] == ["a", "b"]


def test_conversations_are_private_and_need_two_languages(
    api_client: Any, student: Any, other_student: Any, assert_num_queries: Any
) -> None:
    theirs = InterpreterSession.objects.create(user=other_student, language_a="en", language_b="fr")
    for _ in range(3):
        InterpreterSession.objects.create(user=student, language_a="en", language_b="es")
    api_client.force_login(student)
    with assert_num_queries(4):
        assert api_client.get(URL).json()["count"] == 3
    assert api_client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert api_client.post(f"{URL}{theirs.pk}/turns/", {"text": "hi"}).status_code == 404
    response = api_client.post(URL, {"language_a": "en", "language_b": "en"})
    assert response.status_code == 400
    assert api_client.post(f"{URL}{theirs.pk}/turns/", {}).status_code == 404
