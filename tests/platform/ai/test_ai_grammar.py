"""POST /api/v1/ai/grammar/ through the real ML service (harper), charged on success only."""

from decimal import Decimal
from typing import Any

import pytest

from ai.models import AIUsage, Outcome
from credits.models import UsageCharge

URL = "/api/v1/ai/grammar/"
pytestmark = pytest.mark.django_db


def test_grammar_edits_and_corrected_text(
    api_client: Any, funded: Any, live_ml: str, balance: Any
) -> None:
    api_client.force_login(funded)
    text = "She dont like apples. This is an test."
    response = api_client.post(URL, {"text": text, "language": "en"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["engine"] == "harper"
    assert body["edits"], body
    for edit in body["edits"]:
        assert text[edit["offset"] : edit["offset"] + edit["length"]] == edit["original"]
        assert edit["explanation"] and edit["category"]
    assert "an test" not in body["corrected_text"]
    # 38 characters = one started block of 1,000 at 0.05 credits.
    assert body["usage"] == {"credits": "0.05", "cached": False}
    assert balance(funded) == Decimal("9.95")
    usage = AIUsage.objects.get()
    assert (usage.outcome, usage.feature, usage.characters) == (Outcome.OK, "grammar_check", 38)
    assert usage.model_name == "harper" and usage.latency_ms >= 0


def test_same_text_again_is_cached_and_free(api_client: Any, funded: Any, live_ml: str) -> None:
    api_client.force_login(funded)
    first = api_client.post(URL, {"text": "I has a cat.", "language": "en"}).json()
    second = api_client.post(URL, {"text": "I has a cat.", "language": "en"}).json()
    assert second["edits"] == first["edits"]
    assert second["usage"] == {"credits": "0.00", "cached": True}
    assert UsageCharge.objects.filter(user=funded).count() == 1


def test_retry_with_the_same_idempotency_key_is_charged_once(
    api_client: Any, funded: Any, live_ml: str, balance: Any
) -> None:
    api_client.force_login(funded)
    for text in ("I has a cat.", "I has a dog."):
        response = api_client.post(URL, {"text": text}, HTTP_IDEMPOTENCY_KEY="retry-1")
        assert response.status_code == 200
    assert UsageCharge.objects.filter(user=funded).count() == 1
    assert balance(funded) == Decimal("9.95")


def test_unsupported_language_is_a_clear_4xx(api_client: Any, funded: Any, live_ml: str) -> None:
    api_client.force_login(funded)
    response = api_client.post(URL, {"text": "Yo tiene un perro.", "language": "es"})
    assert response.status_code == 422
    assert response.json()["code"] == "unsupported_language"
    assert not UsageCharge.objects.exists()
    assert AIUsage.objects.get().outcome == Outcome.REJECTED


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"text": "x" * 100_000}, "text"), ({"text": "   "}, "text"), ({}, "text")],
)
def test_bad_text_is_400_with_field_errors(
    api_client: Any, funded: Any, ml_down: str, payload: dict[str, str], field: str
) -> None:
    api_client.force_login(funded)
    response = api_client.post(URL, payload)
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_without_credits_402_and_no_result(api_client: Any, student: Any, live_ml: str) -> None:
    api_client.force_login(student)
    response = api_client.post(URL, {"text": "I has a cat."})
    assert response.status_code == 402
    body = response.json()
    assert body["code"] == "insufficient_credits" and "edits" not in body
    assert AIUsage.objects.get().outcome == Outcome.INSUFFICIENT_CREDITS


def test_switched_off_in_the_admin(api_client: Any, funded: Any, ml_down: str) -> None:
    from core.models import FeatureFlag

    flag = FeatureFlag.objects.get(name="ai.grammar_check")
    flag.enabled = False
    flag.save()
    api_client.force_login(funded)
    response = api_client.post(URL, {"text": "I has a cat."})
    assert response.status_code == 403
    assert response.json()["code"] == "ai_feature_disabled"


def test_anonymous_is_refused(api_client: Any, ml_down: str) -> None:
    # 401 (with WWW-Authenticate: Bearer) now that the API takes bearer tokens.
    assert api_client.post(URL, {"text": "I has a cat."}).status_code == 401
