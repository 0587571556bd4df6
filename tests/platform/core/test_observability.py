"""Error pages and logs: what an operator sees when something goes wrong."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from pythonjsonlogger.json import JsonFormatter

from accounts.jwt_keys import generate_private_key_pem
from core.logging import RequestIdFilter
from core.request_context import request_id_var
from core.views import server_error

REPO = Path(__file__).resolve().parents[3]


def test_server_error_page_is_html_for_the_site_and_json_for_the_api() -> None:
    factory = RequestFactory()
    page = server_error(factory.get("/somewhere/"))
    assert page.status_code == 500
    assert b"Something went wrong" in page.content

    api = server_error(factory.get("/api/v1/lessons/"))
    assert api.status_code == 500
    assert json.loads(api.content)["code"] == "server_error"


@pytest.mark.django_db
def test_an_unhandled_api_error_answers_the_error_shape(client, monkeypatch) -> None:
    from core import selectors

    def broken() -> dict:
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "readiness", broken)
    client.raise_request_exception = False
    response = client.get("/api/v1/ready/")
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "server_error"
    assert body["request_id"] == response["X-Request-ID"]


def test_json_log_lines_carry_the_request_id() -> None:
    record = logging.LogRecord("toto", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    token = request_id_var.set("abc123def456")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    formatter = JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
        rename_fields={"levelname": "level"},
    )
    line = json.loads(formatter.format(record))
    assert line["request_id"] == "abc123def456"
    assert line["message"] == "hello world"
    assert line["level"] == "INFO"


def _production_probe(code: str, **extra: str) -> str:
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="toto.settings.production",
        SECRET_KEY="s" * 60,
        DATABASE_URL="postgres://toto:pw@db:5432/toto",
        REDIS_URL="redis://redis:6379/0",
        ALLOWED_HOSTS="toto.example.org",
        HEADLESS_JWT_PRIVATE_KEY=generate_private_key_pem(),
        **extra,
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


_PROBE = (
    "import django; from django.conf import settings; django.setup(); "
    "import sentry_sdk; "
    "print(settings.LOGGING['handlers']['console']['formatter'], "
    "sentry_sdk.get_client().is_active())"
)


def test_production_logs_json_and_sentry_starts_only_with_a_dsn() -> None:
    assert _production_probe(_PROBE).split() == ["json", "False"]
    with_dsn = _production_probe(_PROBE, SENTRY_DSN="https://key@sentry.example.org/42")
    assert with_dsn.split() == ["json", "True"]
