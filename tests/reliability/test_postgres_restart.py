"""PostgreSQL restarts (the session's real server, stopped as in a crash and started again)
during a chat and a payment: clear 503s while it is down, nothing lost, duplicated or
half-done, full recovery afterwards. docs/reliability.md has the results table.

Django's test client leaves out the per-request connection check the real handler does
(``close_old_connections`` on request start and end); each request here is preceded by it,
as under daphne, so a connection broken by the restart is replaced the way it is in service.
Redis restarts during a chat are covered by tests/realtime/test_chat_resume.py.
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import OperationalError, close_old_connections
from django.test import Client

from core.testing import services as test_services
from credits.models import AccountKind
from credits.services import user_account
from credits.testing import package  # noqa: F401 - fixture
from messaging import services as messaging
from messaging.models import Message
from payments.models import Payment, PaymentStatus

pytestmark = pytest.mark.django_db(transaction=True)
own_postgres = pytest.mark.skipif(
    test_services.services is None or test_services.services.postgres is None,
    reason="PostgreSQL is not the test session's own server (TOTO_TEST_DATABASE_PORT set)",
)

GOOD_CARD = {"card": "4242 4242 4242 4242", "expiry": "12/40", "cvc": "123"}


@pytest.fixture
def postgres() -> Iterator[Any]:
    server = test_services.services.postgres  # type: ignore[union-attr]
    yield server
    # Whatever happened, the next test finds the server up.
    with contextlib.suppress(subprocess.CalledProcessError):  # already running
        server.launch()
    close_old_connections()


def request(client: Client, method: str, path: str, body: Any = None) -> Any:
    close_old_connections()
    if method == "get":
        return client.get(path)
    return client.post(path, body or {}, content_type="application/json")


@own_postgres
def test_api_and_pages_answer_503_while_postgresql_is_down_and_recover(
    postgres: Any, student: Any, other_student: Any
) -> None:
    conversation, _ = messaging.start_conversation(student, [other_student])
    messaging.send_message(student, conversation.pk, client_id="before", body="before")
    client = Client(raise_request_exception=False)
    client.force_login(student)
    assert request(client, "get", "/api/v1/conversations/").status_code == 200

    postgres.stop()
    try:
        api = request(client, "get", "/api/v1/conversations/")
        assert api.status_code == 503, api.content
        assert api.json()["code"] == "service_unavailable"
        assert int(api["Retry-After"]) > 0
        page = request(client, "get", "/")
        assert page.status_code == 503
        assert "text/html" in page["Content-Type"]
        assert page["Retry-After"]
        # The chat message sent now fails as a whole; the client keeps it and retries.
        close_old_connections()
        with pytest.raises(OperationalError):
            messaging.send_message(student, conversation.pk, client_id="during", body="during")
    finally:
        postgres.launch()

    assert request(client, "get", "/api/v1/conversations/").status_code == 200
    # The retry (same client_id, twice: a client that did not hear back) stores it once.
    first = messaging.send_message(student, conversation.pk, client_id="during", body="during")
    again = messaging.send_message(student, conversation.pk, client_id="during", body="during")
    assert first.created and not again.created
    assert first.message.pk == again.message.pk
    stored = list(Message.objects.filter(conversation=conversation).order_by("seq"))
    assert [m.client_id for m in stored] == ["before", "during"]
    assert [m.seq for m in stored] == [1, 2]


@own_postgres
@pytest.mark.usefixtures("package")
def test_a_payment_confirmed_while_postgresql_restarts_is_never_half_done(
    postgres: Any, student: Any, settings: Any
) -> None:
    settings.PAYMENTS_DEMO_ENABLED = True
    settings.STRIPE_SECRET_KEY = ""
    client = Client(raise_request_exception=False)
    client.force_login(student)
    started = request(
        client,
        "post",
        "/api/v1/payments/checkout/",
        {
            "purpose": "credits",
            "item": {"package": "starter"},
            "provider": "demo",
            "currency": "USD",
        },
    )
    assert started.status_code == 201, started.content
    payment_id = started.json()["payment"]["id"]
    confirm = f"/api/v1/payments/{payment_id}/demo/confirm/"

    postgres.stop()
    try:
        down = request(client, "post", confirm, GOOD_CARD)
        assert down.status_code == 503, down.content
        assert down.json()["code"] == "service_unavailable"
    finally:
        postgres.launch()

    close_old_connections()
    assert Payment.objects.get(pk=payment_id).status == PaymentStatus.PENDING
    assert user_account(student, AccountKind.WALLET).balance == Decimal("0")

    done = request(client, "post", confirm, GOOD_CARD)
    assert done.status_code == 200, done.content
    # A client that did not hear back confirms again: still one payment, credited once.
    request(client, "post", confirm, GOOD_CARD)
    close_old_connections()
    assert Payment.objects.get(pk=payment_id).status == PaymentStatus.SUCCEEDED
    assert user_account(student, AccountKind.WALLET).balance == Decimal("100.00")


@pytest.mark.skipif(
    test_services.services is None or test_services.services.redis is None,
    reason="Redis is not the test session's own server (TOTO_TEST_REDIS_URL set)",
)
def test_api_answers_503_while_redis_is_down_and_recovers_after_its_restart(
    student: Any, other_student: Any
) -> None:
    """Redis holds the cache and the throttle counters every API request reads."""
    redis = test_services.services.redis  # type: ignore[union-attr]
    conversation, _ = messaging.start_conversation(student, [other_student])
    client = Client(raise_request_exception=False)
    client.force_login(student)
    assert request(client, "get", "/api/v1/conversations/").status_code == 200

    redis.stop()
    try:
        down = request(client, "get", "/api/v1/conversations/")
        assert down.status_code in {200, 503}, down.content
        if down.status_code == 503:
            assert down.json()["code"] == "service_unavailable"
            assert down["Retry-After"]
    finally:
        redis.launch()

    assert request(client, "get", "/api/v1/conversations/").status_code == 200
    sent = request(
        client,
        "post",
        f"/api/v1/conversations/{conversation.pk}/messages/",
        {"client_id": "after-redis", "body": "hello again"},
    )
    assert sent.status_code == 201, sent.content
