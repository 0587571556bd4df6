"""Phrasebook CRUD with tags, object permissions, pinned query counts and offline exports."""

import csv
import io
import json
from typing import Any

import pytest

from translation.models import PhrasebookEntry
from translation.services import save_phrase

URL = "/api/v1/translate/phrasebook/"
pytestmark = pytest.mark.django_db


def phrase(user: Any, text: str, tags: list[str], translated: str = "x") -> PhrasebookEntry:
    return save_phrase(
        user, tags=tags, source_language="en", target_language="es",
        source_text=text, translated_text=translated,
    )  # fmt: skip


def test_create_with_tags_and_update(api_client: Any, student: Any) -> None:
    api_client.force_login(student)
    response = api_client.post(
        URL,
        {"source_language": "en", "target_language": "es", "source_text": "Thank you",
         "translated_text": "Gracias", "tags": ["polite", "basics"]},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    entry_id = response.json()["id"]
    assert response.json()["tags"] == ["basics", "polite"]
    response = api_client.patch(f"{URL}{entry_id}/", {"tags": ["polite"], "note": "formal"})
    assert response.status_code == 200
    assert response.json()["tags"] == ["polite"] and response.json()["note"] == "formal"
    duplicate = api_client.post(
        URL,
        {"source_language": "en", "target_language": "es", "source_text": "Thank you",
         "translated_text": "Gracias"},
    )  # fmt: skip
    assert duplicate.status_code == 400
    assert "source_text" in duplicate.json()["fields"]


def test_list_is_private_filtered_and_query_count_does_not_grow(
    api_client: Any, student: Any, other_student: Any, assert_num_queries: Any
) -> None:
    for number in range(6):
        phrase(student, f"phrase {number}", ["travel", f"t{number}"])
    theirs = phrase(other_student, "secret", ["travel"])
    api_client.force_login(student)
    # session, user, count, page, tags (one prefetch for the whole page)
    with assert_num_queries(5):
        response = api_client.get(URL)
    assert response.json()["count"] == 6
    with assert_num_queries(5):
        response = api_client.get(f"{URL}?tag=t3")
    assert [item["source_text"] for item in response.json()["results"]] == ["phrase 3"]
    for method in ("get", "patch", "delete"):
        assert getattr(api_client, method)(f"{URL}{theirs.pk}/").status_code == 404
    assert PhrasebookEntry.objects.filter(pk=theirs.pk).exists()


def test_exports_for_offline_use(api_client: Any, student: Any, other_student: Any) -> None:
    phrase(student, "Good\tmorning", ["greetings", "first day"], "Buenos días")
    phrase(other_student, "not mine", ["x"])
    api_client.force_login(student)

    data = json.loads(api_client.get(f"{URL}export/?as=json").content)
    assert [e["source_text"] for e in data["entries"]] == ["Good\tmorning"]
    assert data["entries"][0]["tags"] == ["first day", "greetings"]

    response = api_client.get(f"{URL}export/?as=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][:4] == ["en", "es", "Good\tmorning", "Buenos días"]

    response = api_client.get(f"{URL}export/?as=anki")
    lines = response.content.decode().splitlines()
    assert lines[:3] == ["#separator:tab", "#html:false", "#tags column:3"]
    front, back, tags = lines[3].split("\t")
    assert (front, back) == ("Good morning", "Buenos días")
    assert set(tags.split()) == {"first_day", "greetings", "toto::en-es"}
    assert api_client.get(f"{URL}export/?as=pdf").status_code == 400
