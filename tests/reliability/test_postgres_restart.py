"""PostgreSQL restarts (the session's real server, stopped as in a crash and started again)
during a chat and a payment: clear 503s while it is down, nothing lost, duplicated or
half-done, full recovery afterwards. docs/reliability.md has the results table.

Django's test client leaves out the per-request connection check the real handler does
(``close_old_connections`` on request start and end); each request here is preceded by it,
as under daphne, so a connection broken by the restart is replaced the way it is in service.
Redis restarts during a chat are covered by tests/realtime/test_chat_resume.py.
"""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
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
from payments.testing import stripe_event
from tutoring.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db(transaction=True)
own_postgres = pytest.mark.skipif(
    test_services.services is None or test_services.services.postgres is None,
    reason="PostgreSQL is not the test session's own server (TOTO_TEST_DATABASE_PORT set)",
)

GOOD_CARD = {"card": "4242 4242 4242 4242", "expiry": "12/40", "cvc": "123"}


Recovered = Callable[[str, float], float]


@pytest.fixture
def postgres() -> Any:
    # The conftest starts it again after the test, whatever happened.
    return test_services.services.postgres  # type: ignore[union-attr]


def request(client: Client, method: str, path: str, body: Any = None) -> Any:
    close_old_connections()
    if method == "get":
        return client.get(path)
    return client.post(path, body or {}, content_type="application/json")


@own_postgres
def test_api_and_pages_answer_503_while_postgresql_is_down_and_recover(
    postgres: Any, student: Any, other_student: Any, recovered: Recovered
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
        since = time.monotonic()
        postgres.launch()

    assert request(client, "get", "/api/v1/conversations/").status_code == 200
    recovered("PostgreSQL restart: API request", since)
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
    postgres: Any, student: Any, settings: Any, recovered: Recovered
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
        since = time.monotonic()
        postgres.launch()

    close_old_connections()
    assert Payment.objects.get(pk=payment_id).status == PaymentStatus.PENDING
    assert user_account(student, AccountKind.WALLET).balance == Decimal("0")

    done = request(client, "post", confirm, GOOD_CARD)
    assert done.status_code == 200, done.content
    recovered("PostgreSQL restart: demo card payment confirmed", since)
    # A client that did not hear back confirms again: still one payment, credited once.
    request(client, "post", confirm, GOOD_CARD)
    close_old_connections()
    assert Payment.objects.get(pk=payment_id).status == PaymentStatus.SUCCEEDED
    assert user_account(student, AccountKind.WALLET).balance == Decimal("100.00")


@own_postgres
def test_a_booking_paid_by_stripe_webhook_while_postgresql_is_down_is_confirmed_once_by_the_retry(
    postgres: Any,
    student: Any,
    providers: Any,
    make_listing: Any,
    make_gig: Any,
    recovered: Recovered,
) -> None:
    """Stripe delivers ``payment_intent.succeeded`` while PostgreSQL is down: the webhook
    answers 503 (Stripe retries any non-2xx), nothing is half-done; Stripe's retry of the same
    event after the restart confirms the booking once and moves the ledger once."""
    from credits.services import platform_account, verify_balances

    gig = make_gig(make_listing(booking_horizon_days=3660))
    start = (datetime.now(tz=UTC) + timedelta(days=10)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    client = Client(raise_request_exception=False)
    client.force_login(student)
    held = request(
        client,
        "post",
        "/api/v1/bookings/",
        {"gig": gig.pk, "start": start.isoformat(), "duration": 60},
    )
    assert held.status_code == 201, held.content
    booking_id = held.json()["id"]
    checkout = request(
        client, "post", f"/api/v1/bookings/{booking_id}/pay/", {"provider": "stripe"}
    )
    assert checkout.status_code == 200, checkout.content
    payment = Payment.objects.get(pk=checkout.json()["payment_id"])
    # The learner pays in Stripe's widget; Stripe signs one event and delivers it until a 2xx.
    payload, headers = stripe_event(
        "payment_intent.succeeded", providers.pay_intent(payment.provider_order_id)
    )
    webhook: Any = Client(raise_request_exception=False)

    def deliver() -> Any:
        close_old_connections()
        return webhook.post(
            "/api/v1/payments/webhooks/stripe/", payload, content_type="application/json", **headers
        )

    postgres.stop()
    try:
        down = deliver()
        assert down.status_code == 503, down.content
        assert down.json()["code"] == "service_unavailable"
        assert down["Retry-After"]
    finally:
        since = time.monotonic()
        postgres.launch()

    close_old_connections()
    booking = Booking.objects.get(pk=booking_id)
    assert booking.status == BookingStatus.HELD and booking.paid_at is None
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("0")

    retried = deliver()
    assert retried.status_code == 200, retried.content
    recovered("PostgreSQL restart: Stripe webhook retried", since)
    assert deliver().status_code == 200  # delivered once more: a duplicate, changes nothing
    close_old_connections()
    booking = Booking.objects.get(pk=booking_id)
    assert booking.status == BookingStatus.CONFIRMED
    assert [e.to_status for e in booking.events.all()] == ["held", "confirmed"]
    assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED
    assert platform_account(AccountKind.REVENUE, "EUR").balance == Decimal("30.00")
    assert verify_balances() == []


@pytest.mark.skipif(
    test_services.services is None or test_services.services.redis is None,
    reason="Redis is not the test session's own server (TOTO_TEST_REDIS_URL set)",
)
def test_api_answers_503_while_redis_is_down_and_recovers_after_its_restart(
    student: Any, other_student: Any, recovered: Recovered
) -> None:
    """Redis holds the cache and the throttle counters every API request reads."""
    redis: Any = test_services.services.redis  # type: ignore[union-attr]
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
        since = time.monotonic()
        redis.launch()

    # The session is a database row (Django's default session engine): the Redis crash loses
    # the cache and the throttle counters, not who is signed in.
    assert request(client, "get", "/api/v1/conversations/").status_code == 200
    recovered("Redis restart: API request", since)
    sent = request(
        client,
        "post",
        f"/api/v1/conversations/{conversation.pk}/messages/",
        {"client_id": "after-redis", "body": "hello again"},
    )
    assert sent.status_code == 201, sent.content


@own_postgres
def test_the_harness_starts_postgresql_after_a_crash_that_left_its_lock_files(
    postgres: Any,
) -> None:
    """After the crash stop the old postmaster is gone; lock files naming a dead PID (a
    postmaster killed before it could clean up) do not stop the next start; starting a server
    that runs is a no-op (the old teardown started it again anyway, and pg_ctl printed
    "another server might be running" under every test, a failed one's output included)."""
    postgres.launch()  # running: nothing happens, nothing raised
    pid = postgres._postmaster_pid()
    postgres.stop()
    assert pid is not None and not test_services._alive(pid)
    assert not postgres.is_running()
    finished = subprocess.Popen(["true"])
    finished.wait()  # reaped: its PID names no process
    socket_lock = postgres.datadir.parent / f".s.PGSQL.{postgres.port}.lock"
    for lock in (postgres.pid_file, socket_lock):
        lock.write_text(f"{finished.pid}\n{postgres.datadir}\n")
    postgres.launch()
    assert postgres.is_running()
    close_old_connections()
    assert Message.objects.count() == 0  # the database answers
