"""The phrasebook save takes an Idempotency-Key, so the offline outbox can replay a save whose
answer was lost without a duplicate row or a "already in your phrasebook" error."""

from typing import Any

import pytest

from translation.models import PhrasebookEntry

URL = "/api/v1/translate/phrasebook/"
pytestmark = pytest.mark.django_db
ENTRY = {
    "source_language": "en",
    "target_language": "es",
    "source_text": "Good night",
    "translated_text": "Buenas noches",
}


def test_a_replay_with_the_same_key_returns_the_first_entry(api_client: Any, student: Any) -> None:
    api_client.force_login(student)
    first = api_client.post(URL, ENTRY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.json()
    replay = api_client.post(URL, ENTRY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert replay.status_code == 200
    assert replay.json()["id"] == first.json()["id"]
    assert PhrasebookEntry.objects.filter(user=student).count() == 1


def test_a_new_key_for_the_same_phrase_is_still_a_duplicate(api_client: Any, student: Any) -> None:
    api_client.force_login(student)
    assert api_client.post(URL, ENTRY, format="json", HTTP_IDEMPOTENCY_KEY="a").status_code == 201
    again = api_client.post(URL, ENTRY, format="json", HTTP_IDEMPOTENCY_KEY="b")
    assert again.status_code == 400
    assert "source_text" in again.json()["fields"]


def test_keys_are_per_user(api_client: Any, student: Any, other_student: Any) -> None:
    api_client.force_login(student)
    mine = api_client.post(URL, ENTRY, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    api_client.force_login(other_student)
    theirs = api_client.post(URL, ENTRY, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]


def test_an_overlong_key_is_a_field_error(api_client: Any, student: Any) -> None:
    api_client.force_login(student)
    response = api_client.post(URL, ENTRY, format="json", HTTP_IDEMPOTENCY_KEY="x" * 101)
    assert response.status_code == 400
    assert "idempotency_key" in response.json()["fields"]
    assert not PhrasebookEntry.objects.exists()
