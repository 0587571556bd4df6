"""With the ML service (or the LLM) down the platform answers 503 ai_unavailable and the
ledger does not move."""

from decimal import Decimal
from typing import Any

import pytest

from ai.models import AIUsage, Outcome
from credits.models import Entry, UsageCharge

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("/api/v1/ai/grammar/", {"text": "I has a cat."}),
        ("/api/v1/translate/text/", {"text": "Good morning", "target": "es"}),
        (
            "/api/v1/ai/writing/",
            {"text": "I like my town because it is quiet.", "task": "Your town", "level": "A2"},
        ),
    ],
)
def test_service_down_is_503_and_charges_nothing(
    api_client: Any, funded: Any, ml_down: str, balance: Any, url: str, payload: dict[str, str]
) -> None:
    entries_before = Entry.objects.count()
    api_client.force_login(funded)
    response = api_client.post(url, payload)
    assert response.status_code == 503, response.json()
    assert response.json()["code"] == "ai_unavailable"
    assert balance(funded) == Decimal("10")
    assert Entry.objects.count() == entries_before
    assert not UsageCharge.objects.exists()
    assert AIUsage.objects.get().outcome == Outcome.UNAVAILABLE


def test_llm_5xx_is_503_and_charges_nothing(
    api_client: Any, funded: Any, ml_down: str, openai_server: Any, balance: Any
) -> None:
    openai_server.status = 500
    api_client.force_login(funded)
    response = api_client.post(
        "/api/v1/ai/writing/",
        {"text": "I like my town because it is quiet.", "task": "Your town", "level": "A2"},
    )
    assert response.status_code == 503
    assert response.json()["code"] == "ai_unavailable"
    assert balance(funded) == Decimal("10")
    assert len(openai_server.requests) == 1  # no silent retries
