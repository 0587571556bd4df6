"""A native client generated from the committed schema (openapi-python-client, a standard
generator) drives a learner's journey against the live test server: sign up and verify by code
(allauth headless: its own API, called plainly), then only typed calls: the profile, a lesson,
its completion, a translation, the phrasebook with an idempotent replay, notifications and the
Web Push key. A response that does not match the schema fails to parse in the generated models.
Not yet in the journey: reviews (the vocabulary API is on another branch) and booking a teacher."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "docs" / "api" / "openapi.yaml"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")
# Time zones include GMT0 and GMT+0, one Python name: literal enums keep the values as strings.
CONFIG = "literal_enums: true\npackage_name_override: toto_client\n"
PASSWORD = "Gr33n-tea-at-noon"


@pytest.fixture(scope="module")
def toto_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not GENERATOR.exists():
        pytest.fail("openapi-python-client is missing: make install-test installs it")
    folder = tmp_path_factory.mktemp("client")
    (folder / "config.yaml").write_text(CONFIG)
    generated = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(SCHEMA), "--meta", "none",
         "--config", str(folder / "config.yaml"), "--output-path", str(folder / "toto_client")],
        capture_output=True, text=True, timeout=300, cwd=folder,
    )  # fmt: skip
    assert generated.returncode == 0, generated.stdout[-3000:] + generated.stderr[-3000:]
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("toto_client")
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == "toto_client" or n.startswith("toto_client.")]:
            del sys.modules[name]


@pytest.fixture
def emails(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """allauth's emails, sent at once (no Celery worker in this test)."""
    from django.core import mail

    from accounts.tasks import send_email_message

    monkeypatch.setattr(
        send_email_message, "delay", lambda **kwargs: send_email_message.apply(kwargs=kwargs)
    )
    mail.outbox = []
    return mail.outbox


@pytest.mark.django_db(transaction=True)
def test_a_learner_journey_through_the_generated_client(
    toto_client: Any,
    live_server: Any,
    emails: list[Any],
    make_lesson: Any,
    give_credits: Any,
    ml_service_url: str,
    settings: Any,
) -> None:
    from accounts.testing import code_in

    settings.ML_URL = ml_service_url
    settings.ML_API_KEY = ""
    lesson = make_lesson("Greetings", description="Say hello")
    api = importlib.import_module

    # Sign up and verify (allauth headless app API).
    with httpx.Client(base_url=live_server.url, timeout=30) as auth:
        signed_up = auth.post(
            "/api/auth/app/v1/auth/signup",
            json={"email": "nia@example.com", "password": PASSWORD, "role": "student",
                  "full_name": "Nia Learner"},
        )  # fmt: skip
        assert signed_up.status_code in (200, 401), signed_up.text
        meta = signed_up.json()["meta"]
        token = meta["access_token"]
        verified = auth.post(
            "/api/auth/app/v1/auth/email/verify",
            json={"key": code_in(emails[-1])},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert verified.status_code == 200, verified.text
        token = verified.json()["meta"].get("access_token", token)

    from django.contrib.auth import get_user_model

    give_credits(get_user_model().objects.get(email="nia@example.com"), 5)  # translation is metered
    client = toto_client.AuthenticatedClient(base_url=live_server.url, token=token, timeout=60)
    me = api("toto_client.api.users.users_me_retrieve").sync(client=client)
    assert me.email == "nia@example.com" and me.email_verified is True

    listed = api("toto_client.api.lessons.lessons_list").sync_detailed(client=client)
    assert listed.status_code == 200, listed.content
    assert [item.title for item in listed.parsed.results] == ["Greetings"]
    detail = api("toto_client.api.lessons.lessons_retrieve").sync(client=client, id=lesson.pk)
    assert detail.title == "Greetings"
    completed = api("toto_client.api.lessons.lessons_complete_create").sync_detailed(
        client=client, id=lesson.pk
    )
    assert completed.status_code in (200, 201), completed.content

    text_request = api("toto_client.models.text_translation_request_request")
    translated = api("toto_client.api.translate.translate_text_create").sync_detailed(
        client=client,
        body=text_request.TextTranslationRequestRequest(
            text="We visited the museum yesterday.", target="es", source="en"
        ),
    )
    assert translated.status_code == 200, translated.content
    assert "museo" in translated.parsed.translated_text

    entry = api("toto_client.models.phrasebook_entry_request").PhrasebookEntryRequest(
        source_language="en", target_language="es", source_text="Good night",
        translated_text="Buenas noches", tags=["basics"],
    )  # fmt: skip
    create = api("toto_client.api.translate.translate_phrasebook_create")
    first = create.sync_detailed(client=client, body=entry, idempotency_key="journey-1")
    again = create.sync_detailed(client=client, body=entry, idempotency_key="journey-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.parsed.id == again.parsed.id
    phrasebook = api("toto_client.api.translate.translate_phrasebook_list").sync(client=client)
    assert phrasebook.count == 1 and phrasebook.results[0].tags == ["basics"]

    notifications = api("toto_client.api.notifications.notifications_list").sync(client=client)
    assert notifications.count >= 0
    push = api("toto_client.api.notifications.notifications_web_push_retrieve").sync(client=client)
    assert push.subscribed == 0
