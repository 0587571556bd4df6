"""A new learner meets the interests suggestions right after sign-up: once the emailed code
is confirmed, the interests page opens as a welcome step with a skip link (and stays one
while they add topics); a new teacher keeps their own flow."""

from typing import Any

import pytest
from django.test import Client

from accounts.testing import code_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch, mailoutbox: list[Any]) -> list[Any]:
    """allauth's emails, sent at once (these tests run in one transaction, no worker)."""
    from django.db import transaction

    from accounts.tasks import send_email_message

    monkeypatch.setattr(transaction, "on_commit", lambda callback, **kw: callback())
    monkeypatch.setattr(
        send_email_message, "delay", lambda **kwargs: send_email_message.apply(kwargs=kwargs)
    )
    return mailoutbox


def sign_up(client: Client, mailbox: list[Any], email: str, role: str) -> Any:
    made = client.post(
        "/accounts/signup/",
        {
            "full_name": "Nueva Persona",
            "email": email,
            "password1": "Gr33n-tea-at-noon",
            "role": role,
        },
    )
    assert made["Location"] == "/accounts/confirm-email/"
    return client.post("/accounts/confirm-email/", {"code": code_in(mailbox[-1])})


def test_a_new_learner_is_led_to_interests_with_a_skip_link(
    client: Client, mailbox: list[Any]
) -> None:
    confirmed = sign_up(client, mailbox, "lea@example.com", "student")
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/social/interests/?welcome=1"
    page = client.get(confirmed["Location"]).content.decode()
    assert 'data-testid="welcome"' in page
    assert 'href="/accounts/profile/" data-testid="skip-interests"' in page
    added = client.post("/social/interests/", {"interests": "", "add": "viajes", "welcome": "1"})
    assert added["Location"] == "/social/interests/?welcome=1"
    assert "#viajes" in client.get(added["Location"]).content.decode()
    # Reached later from the feed or the profile, the page is not a welcome step.
    assert 'data-testid="welcome"' not in client.get("/social/interests/").content.decode()


def test_a_new_teacher_keeps_the_teacher_flow(client: Client, mailbox: list[Any]) -> None:
    confirmed = sign_up(client, mailbox, "tomas@example.com", "teacher")
    assert confirmed.status_code == 302
    assert "/social/interests/" not in confirmed["Location"]
