"""Fixtures for the accounts tests: the mailbox, and clients of the auth API."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import mail
from rest_framework.test import APIClient

from accounts.testing import AUTH

# The cross-app personal-data test creates lessons, buys credits and subscribes.
from cms.learning.testing import learning_tree, make_lesson  # noqa: F401
from credits.testing import package, premium_plan  # noqa: F401

# Deleting an account with lessons booked and paid (test_deletion_with_money_in_flight.py).
from tutoring.testing import (  # noqa: F401
    buy_seat,
    make_gig,
    make_listing,
    paid_booking,
)


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """allauth's emails, delivered as soon as they are queued.

    The adapter queues each email on commit through Celery; these tests run inside one
    transaction without a worker, so the commit hook runs at once and the task runs in
    process (test_email_delivery.py covers the real worker)."""
    from django.db import transaction

    from accounts.tasks import send_email_message

    monkeypatch.setattr(transaction, "on_commit", lambda callback, **kw: callback())
    monkeypatch.setattr(
        send_email_message, "delay", lambda **kwargs: send_email_message.apply(kwargs=kwargs)
    )
    mail.outbox = []
    yield mail.outbox


@pytest.fixture
def login_tokens(mailbox: list[Any]) -> Callable[..., dict[str, str]]:
    """Signs in through the auth API and returns its meta (access and refresh tokens)."""

    def login(email: str, password: str = "correct-horse-battery") -> dict[str, str]:
        response = APIClient().post(
            f"{AUTH}/auth/login", {"email": email, "password": password}, format="json"
        )
        assert response.status_code == 200, response.content
        return response.json()["meta"]

    return login


@pytest.fixture
def app_client() -> APIClient:
    """A mobile app: tokens in headers, CSRF enforced as for any client."""
    return APIClient(enforce_csrf_checks=True)
