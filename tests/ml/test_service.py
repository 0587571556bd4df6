"""Health, models listing, metrics, API key, error shapes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi.testclient import TestClient

from ml.main import create_app
from ml.settings import Settings


def test_health_is_cheap_and_ready_reports_engines(ml_client: TestClient) -> None:
    assert ml_client.get("/health").json() == {"status": "ok"}
    ready = ml_client.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"]["stt"] is True


def test_models_lists_every_engine(ml_client: TestClient) -> None:
    models = ml_client.get("/v1/models").json()
    assert models["object"] == "list"
    ids = {m["id"]: m["kind"] for m in models["data"]}
    assert ids["tiny.en"] == "stt" and ids["base"] == "stt"
    assert ids["en_US-joe-medium"] == "tts"
    assert ids["espeak:es"] == "tts"
    assert ids["translate-en-es"] == "mt"
    assert "llm" not in ids.values()


def test_metrics_exposes_engine_latency(ml_client: TestClient) -> None:
    ml_client.post("/translate", json={"q": "Hello", "source": "en", "target": "es"})
    text = ml_client.get("/metrics").text
    assert 'ml_engine_latency_seconds_count{engine="mt"}' in text
    assert "ml_engine_queue_depth" in text
    assert "ml_http_requests_total" in text


def test_api_key_is_required_when_configured(ml_settings: Settings) -> None:
    with TestClient(create_app(replace(ml_settings, api_key="secret"))) as client:
        assert client.get("/health").status_code == 200
        denied = client.get("/v1/models")
        assert denied.status_code == 401
        assert denied.json()["error"]["code"] == "invalid_api_key"
        denied_lt = client.get("/languages")
        assert denied_lt.status_code == 401 and isinstance(denied_lt.json()["error"], str)
        ok = client.get("/v1/models", headers={"Authorization": "Bearer secret"})
        assert ok.status_code == 200


def test_libretranslate_clients_may_send_the_key_in_the_body(ml_settings: Settings) -> None:
    """LibreTranslate's own clients (wagtail-localize's LibreTranslator, the JS and Python
    libraries) put ``api_key`` in the JSON or form body of /translate and /detect."""
    with TestClient(create_app(replace(ml_settings, api_key="secret"))) as client:
        request = {"q": "Good morning", "source": "en", "target": "es"}
        ok = client.post("/translate", json={**request, "api_key": "secret"})
        assert ok.status_code == 200 and ok.json()["translatedText"] == "Buenos días"
        form = client.post("/detect", data={"q": "Buenos días, amigo", "api_key": "secret"})
        assert form.status_code == 200 and form.json()[0]["language"] == "es"
        for refused in ({**request, "api_key": "wrong"}, request):
            denied = client.post("/translate", json=refused)
            assert denied.status_code == 401 and isinstance(denied.json()["error"], str)
        # A wrong header is not rescued by a right body key.
        mixed = client.post(
            "/translate", json={**request, "api_key": "secret"}, headers={"Authorization": "x"}
        )
        assert mixed.status_code == 401


def test_saturated_engine_answers_503_with_retry_after(ml_settings: Settings) -> None:
    import threading

    from ml.settings import EngineLimits

    settings = replace(ml_settings, text_limits=EngineLimits(1, 0, 30.0))
    with TestClient(create_app(settings)) as client:
        gate = client.app.state.engines.gates["text"]  # type: ignore[attr-defined]
        release = threading.Event()
        gate._executor.submit(release.wait)  # occupy the only worker the way a job would
        gate._admitted = 1
        try:
            busy = client.post("/v1/grammar/check", json={"text": "He have a dog."})
        finally:
            gate._admitted = 0
            release.set()
        assert busy.status_code == 503
        assert busy.headers["Retry-After"]
        assert busy.json()["error"]["code"] == "engine_saturated"


def test_declared_oversized_body_is_refused_before_reading(ml_client: Any) -> None:
    # The declared length alone decides: the service answers 413 without reading the body.
    limit = ml_client.app.state.settings.max_audio_bytes + 1024 * 1024
    response = ml_client.post(
        "/v1/audio/transcriptions",
        content=b"x" * 16,
        headers={"Content-Length": str(limit + 1), "Content-Type": "audio/wav"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request_too_large"


def test_metrics_need_the_api_key_when_one_is_set(ml_settings: Settings) -> None:
    with TestClient(create_app(replace(ml_settings, api_key="secret"))) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        allowed = client.get("/metrics", headers={"Authorization": "Bearer secret"})
        assert allowed.status_code == 200
        assert "ml_http_requests_total" in allowed.text


def test_metrics_take_their_own_token_too(ml_settings: Settings) -> None:
    settings = replace(ml_settings, api_key="secret", metrics_token="scraper")
    with TestClient(create_app(settings)) as client:
        assert client.get("/metrics").status_code == 401
        assert (
            client.get("/metrics", headers={"Authorization": "Bearer scraper"}).status_code == 200
        )
        # The metrics token opens nothing but the metrics.
        assert (
            client.get("/v1/models", headers={"Authorization": "Bearer scraper"}).status_code == 401
        )
    with TestClient(create_app(replace(ml_settings, metrics_token="scraper"))) as client:
        assert client.get("/metrics").status_code == 401
        assert (
            client.get("/metrics", headers={"Authorization": "Bearer scraper"}).status_code == 200
        )
