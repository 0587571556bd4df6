"""Client tag lists are bounded: a huge or duplicate-filled list is refused before it
reaches the database, and a valid one costs the same few queries whatever its length."""

import time
from typing import Any

import pytest
from taggit.models import Tag

from translation.models import PhrasebookEntry

URL = "/api/v1/translate/phrasebook/"
pytestmark = pytest.mark.django_db


def body(tags: list[str], text: str = "Thank you") -> dict[str, Any]:
    return {"source_language": "en", "target_language": "es", "source_text": text,
            "translated_text": "Gracias", "tags": tags}  # fmt: skip


def test_ten_thousand_duplicate_tags_are_refused_fast(api_client: Any, student: Any) -> None:
    api_client.force_login(student)
    api_client.get(URL)  # the process's first request imports the URL conf: not timed
    started = time.monotonic()
    response = api_client.post(URL, body(["t"] * 10_000))
    assert time.monotonic() - started < 2
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert "tags" in response.json()["fields"]
    assert not PhrasebookEntry.objects.exists() and not Tag.objects.exists()


def test_long_tags_are_refused(api_client: Any, student: Any) -> None:
    api_client.force_login(student)
    response = api_client.post(URL, body(["x" * 51]))
    assert response.status_code == 400 and "tags" in response.json()["fields"]


def test_tags_are_deduplicated_case_insensitively_and_reuse_existing(
    api_client: Any, student: Any
) -> None:
    Tag.objects.create(name="travel")
    api_client.force_login(student)
    response = api_client.post(URL, body(["Travel", "travel", " TRAVEL ", "food", "Food"]))
    assert response.status_code == 201, response.json()
    # The existing "travel" is reused rather than a second "Travel" created.
    assert response.json()["tags"] == ["food", "travel"]
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["food", "travel"]


def test_a_valid_list_costs_a_fixed_number_of_queries(
    api_client: Any, student: Any, assert_num_queries: Any
) -> None:
    api_client.force_login(student)
    # Warm the session so both requests start equal.
    api_client.get(URL)
    # session, user, savepoint, unique check, insert, tag lookup, bulk insert, tag re-read,
    # current tags, through lookup, through insert, release; then the answer's tags.
    with assert_num_queries(13):
        small = api_client.post(URL, body(["a", "b"], text="one"))
    with assert_num_queries(13):
        large = api_client.post(URL, body([f"tag {n}" for n in range(20)], text="two"))
    assert small.status_code == large.status_code == 201
    assert len(large.json()["tags"]) == 20
