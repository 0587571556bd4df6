import pytest

pytestmark = pytest.mark.django_db


def test_unknown_api_path_answers_the_json_error_shape(client) -> None:
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found"
    assert body["message"]
    assert body["request_id"] == response["X-Request-ID"]


def test_schema_lists_only_our_versioned_api(api_client) -> None:
    response = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["paths"], "the schema lists our endpoints"
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    assert "/api/v1/ready/" in schema["paths"]
    assert "Error" in schema["components"]["schemas"], "the shared error shape is documented"


def test_swagger_ui_is_served(client) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_metrics_are_exposed_for_prometheus(client) -> None:
    client.get("/api/v1/health/")
    response = client.get("/metrics")
    assert response.status_code == 200
    text = response.content.decode()
    assert "toto_http_request_duration_seconds" in text
    assert 'route="api/v1/health/"' in text


def test_metrics_can_require_a_token(client, settings) -> None:
    settings.METRICS_TOKEN = "scrape-secret"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret").status_code == 200
