"""The auth API's own OpenAPI specification is served, ours documents the bearer token,
and allauth's emails really travel through the Celery worker."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from accounts.testing import AUTH


@pytest.mark.django_db
def test_the_auth_api_serves_its_specification(client) -> None:
    response = client.get("/api/auth/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/_allauth/app/v1/auth/login" in paths or any(p.endswith("/auth/login") for p in paths)
    assert client.get("/api/auth/openapi.html").status_code == 200


@pytest.mark.django_db
def test_our_schema_documents_bearer_authentication(client) -> None:
    schema = client.get("/api/v1/schema/?format=json").json()
    assert schema["components"]["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"
    assert "/api/v1/users/me/" in schema["paths"]


@pytest.mark.django_db(transaction=True)
def test_the_verification_code_is_mailed_by_the_worker(celery_worker) -> None:
    import time

    mail.outbox = []
    response = APIClient().post(
        f"{AUTH}/auth/signup",
        {
            "email": "queued@example.com",
            "password": "Gr33n-tea-at-noon",
            "role": "teacher",
            "full_name": "Quinn Queue",
        },
        format="json",
    )
    assert response.status_code == 200
    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [message.to for message in mail.outbox] == [["queued@example.com"]]
    assert "Toto" in mail.outbox[0].body
