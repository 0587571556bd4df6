"""The chat proxy against a fake OpenAI-compatible server (the HTTP boundary is real)."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from ml_fakes import COMPLETION, STREAM_CHUNKS, FakeLLM

MESSAGES = [{"role": "user", "content": "Say hello in Spanish"}]


def test_no_llm_configured_is_a_clear_503(ml_client: TestClient) -> None:
    response = ml_client.post("/v1/chat/completions", json={"model": "x", "messages": MESSAGES})
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "llm_not_configured" and "No LLM is configured" in error["message"]


def test_completion_is_relayed_with_key_and_model(llm_client: TestClient) -> None:
    response = llm_client.post("/v1/chat/completions", json={"messages": MESSAGES})
    assert response.status_code == 200
    assert response.json() == COMPLETION
    sent = FakeLLM.requests[-1]
    assert sent["auth"] == "Bearer sk-test" and sent["body"]["model"] == "fake-llm"


def test_stream_is_relayed_as_sse(llm_client: TestClient) -> None:
    with llm_client.stream(
        "POST", "/v1/chat/completions", json={"messages": MESSAGES, "stream": True}
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [line[6:] for line in response.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    assert [json.loads(e) for e in events[:-1]] == STREAM_CHUNKS


def test_upstream_errors_pass_through(llm_client: TestClient) -> None:
    response = llm_client.post(
        "/v1/chat/completions", json={"model": "missing-model", "messages": MESSAGES}
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "model_not_found"
    listed = {m["id"]: m["kind"] for m in llm_client.get("/v1/models").json()["data"]}
    assert listed["fake-llm"] == "llm"


def test_grammar_uses_llm_for_other_languages(llm_client: TestClient) -> None:
    body = llm_client.post(
        "/v1/grammar/check", json={"text": "Yo tiene un perro.", "language": "es"}
    ).json()
    assert body["engine"] == "llm"
    assert body["corrected_text"] == "Yo tengo un perro."
    assert body["edits"][0]["original"] == "tiene"
