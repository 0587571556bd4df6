"""Pronunciation assessment and grammar checking."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from fastapi.testclient import TestClient
from ml_fakes import wav_bytes

from ml.audio import decode

EXPECTED = "I would like a cup of coffee, please."


def assess(client: TestClient, audio: bytes, expected: str = EXPECTED) -> dict:
    response = client.post(
        "/v1/assessments/pronunciation",
        files={"file": ("take.wav", audio)},
        data={"expected_text": expected, "language": "en"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_correct_reading_scores_above_wrong_ones(
    ml_client: TestClient, espeak_wav: Callable[..., bytes]
) -> None:
    good = assess(ml_client, espeak_wav("I would like a cup of coffee, please."))
    wrong = assess(ml_client, espeak_wav("The weather is cold and rainy today."))
    half = assess(ml_client, espeak_wav("I would like a cup"))
    assert good["scores"]["pronunciation"] >= 75
    assert wrong["scores"]["pronunciation"] <= 40
    assert half["scores"]["completeness"] <= 70
    assert good["scores"]["pronunciation"] > half["scores"]["pronunciation"]
    assert len([w for w in good["words"] if w["expected"]]) == 8
    assert {"start", "end", "probability", "error", "score"} <= set(good["words"][0])


def test_long_pauses_lower_fluency(ml_client: TestClient, espeak_wav: Callable[..., bytes]):
    first = decode(espeak_wav("I would like a cup"), max_seconds=60).samples
    second = decode(espeak_wav("of coffee, please."), max_seconds=60).samples
    paused = wav_bytes(np.concatenate([first, np.zeros(16_000 * 2, np.float32), second]))
    result = assess(ml_client, paused)
    assert result["fluency"]["long_pauses"]
    fluent = assess(ml_client, espeak_wav(EXPECTED))
    assert result["scores"]["fluency"] < fluent["scores"]["fluency"]


def test_silence_is_no_speech(ml_client: TestClient) -> None:
    response = ml_client.post(
        "/v1/assessments/pronunciation",
        files={"file": ("take.wav", wav_bytes(np.zeros(16_000 * 2)))},
        data={"expected_text": EXPECTED},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "no_speech"


def test_grammar_edits_for_english(ml_client: TestClient) -> None:
    text = "She don't like a apple. He goed home."
    body = ml_client.post("/v1/grammar/check", json={"text": text, "language": "en"}).json()
    assert body["engine"] == "harper"
    assert body["corrected_text"].startswith("She doesn't like an apple. He ")
    assert body["edits"][-1]["original"] == "goed"
    assert body["edits"][-1]["replacement"] in {"went", "gone"}
    edit = body["edits"][0]
    assert text[edit["offset"] : edit["offset"] + edit["length"]] == edit["original"] == "don't"
    assert {"replacement", "message", "category"} <= set(edit)


def test_grammar_other_language_without_llm_is_422(ml_client: TestClient) -> None:
    response = ml_client.post("/v1/grammar/check", json={"text": "Yo tiene", "language": "es"})
    assert response.status_code == 422
    assert "LLM" in response.json()["error"]["message"]
    too_long = ml_client.post("/v1/grammar/check", json={"text": "a " * 60_000})
    assert too_long.status_code == 413
