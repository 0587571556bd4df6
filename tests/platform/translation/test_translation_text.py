"""Text translation through the real ML service (apertium en→es), its cache and its history."""

from decimal import Decimal
from typing import Any

import pytest

from ai.models import AIUsage, Outcome
from credits.models import UsageCharge
from translation.models import Translation

URL = "/api/v1/translate/text/"
pytestmark = pytest.mark.django_db


def test_auto_detected_english_to_spanish(
    api_client: Any, funded: Any, live_ml: str, balance: Any
) -> None:
    api_client.force_login(funded)
    response = api_client.post(URL, {"text": "Where is the train station?", "target": "es"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["source_language"] == "en" and body["detected"] is True
    assert "tren" in body["translated_text"].lower()
    assert body["usage"] == {"credits": "0.10", "cached": False}
    assert balance(funded) == Decimal("9.90")
    assert Translation.objects.get(user=funded).translated_text == body["translated_text"]


def test_second_identical_request_is_served_from_the_cache(
    api_client: Any, funded: Any, live_ml: str
) -> None:
    api_client.force_login(funded)
    payload = {"text": "Good morning, my friend.", "source": "en", "target": "es"}
    first = api_client.post(URL, payload).json()
    second = api_client.post(URL, payload).json()
    assert second["translated_text"] == first["translated_text"]
    assert second["usage"]["cached"] is True
    assert UsageCharge.objects.count() == 1
    assert list(AIUsage.objects.values_list("outcome", flat=True)) == [
        Outcome.CACHED,
        Outcome.OK,
    ]


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"text": "Hello", "source": "en", "target": "sw"}, 400, "unsupported_pair"),
        # Not a language code at all: refused before the engine is asked.
        ({"text": "Hello", "source": "en", "target": "xx"}, 400, "validation_error"),
        ({"text": "x" * 100_000, "target": "es"}, 400, "validation_error"),
        ({"text": "", "target": "es"}, 400, "validation_error"),
        ({"text": "Hello", "source": "es", "target": "es"}, 400, "same_language"),
    ],
)
def test_bad_input_is_a_clear_4xx_and_free(
    api_client: Any, funded: Any, live_ml: str, payload: dict, status: int, code: str
) -> None:
    api_client.force_login(funded)
    response = api_client.post(URL, payload)
    assert response.status_code == status, response.json()
    assert response.json()["code"] == code
    assert not UsageCharge.objects.exists()


def test_history_is_private_searchable_and_query_count_is_pinned(
    api_client: Any, student: Any, other_student: Any, assert_num_queries: Any
) -> None:
    for number in range(5):
        Translation.objects.create(
            user=student, source_language="en", target_language="es",
            source_text=f"cat {number}", translated_text=f"gato {number}",
        )  # fmt: skip
    mine = Translation.objects.create(
        user=student, source_language="en", target_language="es",
        source_text="the dog", translated_text="el perro",
    )  # fmt: skip
    theirs = Translation.objects.create(
        user=other_student, source_language="en", target_language="fr",
        source_text="the dog", translated_text="le chien",
    )  # fmt: skip
    api_client.force_login(student)
    # session, user, count, page
    with assert_num_queries(4):
        response = api_client.get("/api/v1/translate/history/?search=perro")
    assert [item["id"] for item in response.json()["results"]] == [mine.pk]
    with assert_num_queries(4):
        assert api_client.get("/api/v1/translate/history/").json()["count"] == 6
    assert api_client.delete(f"/api/v1/translate/history/{theirs.pk}/").status_code == 404
    assert Translation.objects.filter(pk=theirs.pk).exists()


def test_english_to_french_goes_through_spanish_and_names_the_engine(
    api_client: Any, funded: Any, live_ml: str
) -> None:
    """No installed engine does en→fr; apertium does en→es→fr, and the answer says so."""
    api_client.force_login(funded)
    languages = {lang["code"]: lang for lang in api_client.get(
        "/api/v1/translate/languages/").json()}  # fmt: skip
    assert "fr" in languages["en"]["targets"] and languages["en"]["pivots"] == {"fr": "es"}
    response = api_client.post(URL, {"text": "The house is big.", "source": "en", "target": "fr"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert "maison" in body["translated_text"].lower()
    assert body["engine"] == "apertium" and body["pivot_language"] == "es"
    assert Translation.objects.get(user=funded).pivot_language == "es"
