"""The system status page and the encrypted service configuration, through the admin."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from operations import configuration
from operations.models import ServiceSetting
from wagtail.models import ModelLogEntry

pytestmark = pytest.mark.django_db

CONFIG_URL = "/admin/service-configuration/"


def test_status_page_reports_every_part_in_pinned_queries(client, admin, ml_service_url) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    with override_settings(ML_URL=ml_service_url):
        client.get("/admin/system-status/")  # warm the admin's own caches
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/admin/system-status/")
    assert page.status_code == 200
    parts = {part.name: part for part in page.context["parts"]}
    assert set(parts) == {
        "Database",
        "Redis cache",
        "Channel layer",
        "Celery queues",
        "ML service",
        "Media storage",
    }
    assert parts["Database"].ok and parts["Redis cache"].ok
    queues = dict(parts["Celery queues"].rows)
    assert set(queues) >= {"default", "email", "ml"}
    assert parts["ML service"].ok, parts["ML service"].summary
    assert ("check: stt", "OK") in parts["ML service"].rows
    assert "GiB free" in parts["Media storage"].summary
    # Session, user, the readiness SELECT 1, the admin's menu/permission reads: pinned.
    assert len(queries) == 9, [q["sql"] for q in queries]


def test_status_page_names_what_is_down(client, admin) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    with override_settings(ML_URL="http://127.0.0.1:9"):
        page = client.get("/admin/system-status/")
    parts = {part.name: part for part in page.context["parts"]}
    assert not parts["ML service"].ok and b"Something needs attention" in page.content


def test_only_superusers_see_operations_screens(client, moderator) -> None:  # type: ignore[no-untyped-def]
    client.force_login(moderator)
    assert client.get("/admin/system-status/").status_code in {302, 403}
    assert client.get(CONFIG_URL).status_code in {302, 403}


def test_keys_are_stored_encrypted_never_shown_and_apply_without_restart(
    client, admin, ml_service_url, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from ai import client as ai_client

    monkeypatch.delenv("ML_URL", raising=False)
    monkeypatch.delenv("AI_LLM_API_KEY", raising=False)
    client.force_login(admin)
    response = client.post(
        CONFIG_URL,
        {"ML_URL": ml_service_url, "AI_LLM_API_KEY": "sk-secret-value-1234"},
    )
    assert response.status_code == 302
    stored = ServiceSetting.objects.get(name="AI_LLM_API_KEY")
    assert "sk-secret" not in stored.ciphertext
    assert configuration.decrypt(stored.ciphertext) == "sk-secret-value-1234"
    # Read by the AI client on its next call: no restart.
    assert ai_client._ml_url() == ml_service_url
    page = client.get(CONFIG_URL)
    assert b"sk-secret-value-1234" not in page.content and "••••1234" in page.content.decode()
    assert ModelLogEntry.objects.filter(action="operations.configure").count() == 2
    assert "sk-secret" not in str(list(ModelLogEntry.objects.values_list("data", flat=True)))
    # An empty secret field keeps the stored value; the clear box removes it.
    client.post(CONFIG_URL, {"ML_URL": ml_service_url, "AI_LLM_API_KEY": ""})
    assert configuration.value("AI_LLM_API_KEY") == "sk-secret-value-1234"
    client.post(CONFIG_URL, {"ML_URL": ml_service_url, "AI_LLM_API_KEY__clear": "on"})
    assert not ServiceSetting.objects.filter(name="AI_LLM_API_KEY").exists()


def test_environment_variables_win_and_the_form_says_so(client, admin, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin)
    from operations import services

    services.configure("ML_URL", "http://stored.example:1", admin)
    configuration.forget()
    monkeypatch.setenv("ML_URL", "http://env.example:2")
    with override_settings(ML_URL="http://env.example:2"):
        assert configuration.value("ML_URL") == "http://env.example:2"
        page = client.get(CONFIG_URL)
    assert b"Set by the environment variable ML_URL" in page.content
    monkeypatch.delenv("ML_URL")
    assert configuration.value("ML_URL") == "http://stored.example:1"


def test_test_connection_reaches_the_real_ml_service(
    client, admin, ml_service_url, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("ML_URL", raising=False)
    client.force_login(admin)
    client.post(CONFIG_URL, {"ML_URL": ml_service_url})
    answer = client.post(CONFIG_URL, {"test": "ml"}, follow=True)
    assert [str(m) for m in answer.context["messages"]][-1].startswith("Connected (200")
    client.post(CONFIG_URL, {"ML_URL": "http://127.0.0.1:9"})
    answer = client.post(CONFIG_URL, {"test": "ml"}, follow=True)
    assert [str(m) for m in answer.context["messages"]][-1].startswith("Could not connect")
