import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_suite_runs_on_postgresql() -> None:
    assert connection.vendor == "postgresql"


def test_health_is_cheap_and_public(api_client, assert_num_queries) -> None:
    with assert_num_queries(0):
        response = api_client.get("/api/v1/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_reports_each_service_and_fails_when_ml_is_down(api_client, settings) -> None:
    settings.ML_URL = "http://127.0.0.1:9"  # discard port: nothing listens
    response = api_client.get("/api/v1/ready/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert set(body["checks"]) == {"database", "cache", "channel_layer", "ml"}
    assert body["checks"]["ml"]["ok"] is False
    assert body["checks"]["ml"]["error"]
    assert all(body["checks"][name]["ok"] for name in ("database", "cache", "channel_layer"))


def test_ready_is_green_when_every_service_answers(api_client, settings, ml_service_url) -> None:
    settings.ML_URL = ml_service_url
    response = api_client.get("/api/v1/ready/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "ok"


def test_request_id_is_echoed_or_made(client) -> None:
    response = client.get("/api/v1/health/", HTTP_X_REQUEST_ID="proxy-given-id-123")
    assert response["X-Request-ID"] == "proxy-given-id-123"
    response = client.get("/api/v1/health/", HTTP_X_REQUEST_ID="bad id\nwith newline")
    assert response["X-Request-ID"] != "bad id\nwith newline"
    assert len(response["X-Request-ID"]) == 32
