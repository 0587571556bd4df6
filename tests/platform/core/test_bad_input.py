"""Bad input is a clean 4xx in the one error shape, never a 500 or a dropped connection:
oversized and deeply nested JSON, too many form fields, huge query strings."""

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PHRASEBOOK = "/api/v1/translate/phrasebook/"
LOGIN = "/api/auth/app/v1/auth/login"


def assert_error_shape(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert body["code"] == code
    assert body["message"] and "request_id" in body


def test_a_json_body_over_the_limit_is_413(api_client: Any, student: Any, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    api_client.force_login(student)
    # Valid in every field (the note carries the bulk), only too large.
    body = '{"source_language": "en", "target_language": "es", "source_text": "Hi", '
    body += '"translated_text": "y", "note": "' + "x" * 480 + '", "pad": "' + "p" * 3000 + '"}'
    response = api_client.post(PHRASEBOOK, body, content_type="application/json")
    assert_error_shape(response, 413, "request_too_large")
    # allauth's headless API reads request.body itself: Django's limit, the same answer.
    response = Client().post(LOGIN, body, content_type="application/json")
    assert_error_shape(response, 413, "request_too_large")
    # Under the limit the same endpoint works: the limit, not the endpoint, refused it.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
    response = api_client.post(PHRASEBOOK, body, content_type="application/json")
    assert response.status_code == 201, response.json()


def test_deeply_nested_json_is_400_on_drf_and_on_the_auth_api(
    api_client: Any, student: Any
) -> None:
    nested = "[" * 100_000
    api_client.force_login(student)
    response = api_client.post(PHRASEBOOK, nested, content_type="application/json")
    assert_error_shape(response, 400, "too_deeply_nested")
    # Valid JSON, just deeper than the API accepts.
    deep = '{"source_language": ' + "[" * 100 + "]" * 100 + "}"
    response = api_client.post(PHRASEBOOK, deep, content_type="application/json")
    assert_error_shape(response, 400, "too_deeply_nested")
    # allauth's headless API parses JSON itself: the middleware answers for it.
    anonymous = Client()
    response = anonymous.post(LOGIN, nested, content_type="application/json")
    assert_error_shape(response, 400, "too_deeply_nested")


def test_too_many_form_fields_is_400_json_on_the_api_and_a_page_elsewhere(
    student: Any,
) -> None:
    fields = "&".join(f"f{n}=1" for n in range(1500))
    client = Client()
    client.force_login(student)
    response = client.post(PHRASEBOOK, fields, content_type="application/x-www-form-urlencoded")
    assert_error_shape(response, 400, "too_many_fields")
    page = Client().post(
        "/accounts/login/", fields, content_type="application/x-www-form-urlencoded"
    )
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")
    assert b"too many fields" in page.content


def test_a_huge_query_string_is_414_not_a_dropped_connection(api_client: Any, student: Any) -> None:
    api_client.force_login(student)
    response = api_client.get(PHRASEBOOK + "?tag=" + "x" * 40_000)
    assert_error_shape(response, 414, "uri_too_long")
    page = Client().get("/?q=" + "x" * 40_000)
    assert page.status_code == 414 and page["Content-Type"].startswith("text/html")
    # Ordinary query strings still pass.
    assert api_client.get(PHRASEBOOK + "?tag=" + "x" * 100).status_code == 200


def test_a_host_that_is_not_allowed_is_a_400_page_not_a_500() -> None:
    # The friendly page's own rendering asks for the host again: the plain page answers.
    response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert b"We could not understand that request" in response.content
    api = Client().get("/api/v1/health/", HTTP_HOST="evil.example")
    assert api.status_code == 400 and api.json()["code"] == "bad_request"
