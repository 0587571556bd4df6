"""Test helpers other apps may use: API tokens, emailed codes, staff with two-factor
authentication."""

import re
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret, hotp_value

from .models import User


def activate_totp(user: User) -> str:
    """Gives the user a TOTP authenticator; returns its secret (``totp_code(secret)``)."""
    secret = generate_totp_secret()
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
    return secret


def totp_code(secret: str, *, margin: float = 5.0) -> str:
    """The authenticator app's current code for ``secret``.

    allauth accepts only the current period's code (no tolerance), so a code read in the
    last seconds of its period can expire before a slow browser or a busy machine submits
    it. Within ``margin`` seconds of the period's end this waits for the next period.
    """
    import time

    from allauth.mfa import app_settings

    period = app_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < margin:
        time.sleep(left + 0.05)
    counter = int(time.time()) // period
    return f"{hotp_value(secret, counter):0{app_settings.TOTP_DIGITS}d}"


AUTH = "/api/auth/app/v1"
CODE_PATTERN = re.compile(r"^\s*([A-Z0-9]{3,8}(?:-[A-Z0-9]{3,8})?)\s*$", re.MULTILINE)


def code_in(message: Any) -> str:
    """The one-time code in one of allauth's emails."""
    match = CODE_PATTERN.search(message.body)
    if match is None:
        raise AssertionError(f"no code in: {message.body}")
    return match.group(1)


def bearer(client: Any, access_token: str) -> Any:
    """Makes a DRF test client send the access token as the app does."""
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return client


def queries_to_delete_account(user: User) -> int:
    """How many SQL queries ``DELETE /api/v1/users/me/`` costs ``user`` (signed in, with the
    session and content types warmed first), for tests that pin deletion's cost per row of
    whatever the person leaves behind. Asserts the deletion succeeds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(user)
    client.get("/api/v1/users/me/")
    with CaptureQueriesContext(connection) as queries:
        response = client.delete("/api/v1/users/me/")
    assert response.status_code == 204, response.content  # noqa: S101 - a test helper
    return len(queries.captured_queries)
