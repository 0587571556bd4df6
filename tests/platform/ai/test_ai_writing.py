"""POST /api/v1/ai/writing/: the LLM with the admin's prompt when configured (mocked at the
HTTP boundary in OpenAI's format), honest heuristics offline, and which mode answered."""

import json
from decimal import Decimal
from typing import Any

import pytest

from ai.feedback import parse_assessment
from ai.models import AIUsage, PromptTemplate

URL = "/api/v1/ai/writing/"
pytestmark = pytest.mark.django_db

ESSAY = (
    "My town is small but lively. Every morning the market opens near the river, and farmers "
    "sell vegetables, cheese and bread. However, in winter the streets are quiet because many "
    "people work in the city. I like living here because my neighbours are friendly and the "
    "air is clean. Finally, there is a festival in August, so visitors come from everywhere."
)
TASK = "Describe your town and say why you like or dislike living there."


def test_llm_mode_uses_the_published_prompt(
    api_client: Any, funded: Any, openai_server: Any, ml_down: str, balance: Any
) -> None:
    template = PromptTemplate(
        feature="writing_feedback",
        system_prompt="Examiner for {language} at {level}. JSON only.",
        user_prompt="TASK={task}\nTEXT={text}",
        variables="language, level, task, text",
        live=False,
    )
    template.full_clean()
    template.save()
    template.save_revision().publish()
    openai_server.answer = (
        "```json\n"
        + json.dumps(
            {
                "scores": {"grammar": 8, "vocabulary_range": 7, "coherence": 9,
                           "task_achievement": 8},
                "cefr_level": "b1",
                "comments": ["Good use of connectives.", "Vary your adjectives."],
            }
        )
        + "\n```"
    )  # fmt: skip
    api_client.force_login(funded)
    response = api_client.post(URL, {"text": ESSAY, "task": TASK, "level": "B1"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["mode"] == "llm"
    assert body["scores"] == {
        "grammar": 80, "vocabulary_range": 70, "coherence": 90, "task_achievement": 80,
    }  # fmt: skip
    assert body["cefr_level"] == "B1"
    assert body["comments"][0] == "Good use of connectives."
    sent = openai_server.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["auth"] == "Bearer sk-test"
    assert sent["body"]["response_format"] == {"type": "json_object"}
    assert sent["body"]["messages"][0]["content"] == "Examiner for en at B1. JSON only."
    assert sent["body"]["messages"][1]["content"] == f"TASK={TASK}\nTEXT={ESSAY}"
    usage = AIUsage.objects.get()
    assert (usage.prompt_tokens, usage.completion_tokens) == (182, 64)
    assert usage.credits == Decimal("1.00")
    assert balance(funded) == Decimal("9.00")


def test_unreadable_llm_answer_falls_back_to_heuristics(
    api_client: Any, funded: Any, openai_server: Any, live_ml: str
) -> None:
    openai_server.answer = "I think this text is quite good overall!"
    api_client.force_login(funded)
    body = api_client.post(URL, {"text": ESSAY, "task": TASK, "level": "B1"}).json()
    assert body["mode"] == "heuristic"
    assert "could not be read" in body["fallback_reason"]


def test_offline_heuristics_separate_good_and_poor_writing(
    api_client: Any, funded: Any, live_ml: str
) -> None:
    api_client.force_login(funded)
    good = api_client.post(URL, {"text": ESSAY, "task": TASK, "level": "B1"}).json()
    poor = api_client.post(
        URL,
        {"text": "town is good. town is good. i likes town. it nice. it nice.", "task": TASK,
         "level": "B1"},
    ).json()  # fmt: skip
    assert good["mode"] == poor["mode"] == "heuristic"
    assert "No language model" in good["fallback_reason"]
    for key in ("grammar", "vocabulary_range", "coherence", "task_achievement"):
        assert good["scores"][key] > poor["scores"][key], key
    assert poor["measures"]["lints"] > good["measures"]["lints"]
    assert good["cefr_level"] > poor["cefr_level"]
    assert poor["comments"]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ('{"scores": {"grammar": 72, "vocabulary_range": 60, "coherence": 65, '
         '"task_achievement": 70}, "cefr_level": "B2", "comments": "Nice."}', 72),
        ('Sure! {"grammar": 4, "vocabulary_range": 3, "coherence": 4, "task_achievement": 5, '
         '"level": "a2"} Hope this helps.', 80),
    ],
)  # fmt: skip
def test_parse_assessment_is_forgiving(answer: str, expected: int) -> None:
    parsed = parse_assessment(answer)
    assert parsed is not None and parsed["scores"]["grammar"] == expected


@pytest.mark.parametrize(
    "answer",
    ["", "no json", '{"scores": {"grammar": 70}, "cefr_level": "B1"}',
     '{"grammar": 1, "vocabulary_range": 1, "coherence": 1, "task_achievement": 1, '
     '"cefr_level": "Z9"}'],
)  # fmt: skip
def test_parse_assessment_rejects_incomplete_answers(answer: str) -> None:
    assert parse_assessment(answer) is None
