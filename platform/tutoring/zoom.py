"""Zoom as the meeting provider: Server-to-Server OAuth, meeting creation, webhooks.

Settings (declared in the project settings from the environment): ZOOM_ACCOUNT_ID,
ZOOM_CLIENT_ID, ZOOM_CLIENT_SECRET, ZOOM_WEBHOOK_SECRET_TOKEN, ZOOM_API_BASE, ZOOM_OAUTH_URL.
The account keys may also be set in the admin's service configuration; every read goes
through ``operations.configuration.setting`` on each call, so no restart is needed.
"""

import hashlib
import hmac
import time
from datetime import UTC, datetime
from typing import Any

import httpx
from django.core.cache import cache
from operations.configuration import setting

TOKEN_CACHE_KEY = "tutoring:zoom:token"  # noqa: S105 - a cache key, not a secret
SIGNATURE_TOLERANCE_SECONDS = 300


class ZoomError(Exception):
    pass


def is_configured() -> bool:
    return all(setting(n) for n in ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"))


def _client() -> httpx.Client:
    return httpx.Client(timeout=15.0)


def access_token() -> str:
    """A Server-to-Server OAuth token (account_credentials grant), cached until just
    before it expires."""
    token = cache.get(TOKEN_CACHE_KEY)
    if token:
        return token
    with _client() as client:
        response = client.post(
            setting("ZOOM_OAUTH_URL"),
            params={"grant_type": "account_credentials", "account_id": setting("ZOOM_ACCOUNT_ID")},
            auth=(setting("ZOOM_CLIENT_ID"), setting("ZOOM_CLIENT_SECRET")),
        )
    if response.status_code != 200:
        raise ZoomError(f"token request failed: {response.status_code} {response.text[:200]}")
    body = response.json()
    cache.set(TOKEN_CACHE_KEY, body["access_token"], max(int(body.get("expires_in", 3600)) - 60, 1))
    return body["access_token"]


def create_meeting(*, topic: str, start: datetime, minutes: int) -> dict[str, Any]:
    """POST /users/me/meetings: a scheduled meeting (type 2); returns Zoom's meeting object."""
    payload = {
        "topic": topic[:200],
        "type": 2,
        "start_time": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "duration": minutes,
        "timezone": "UTC",
        "settings": {"join_before_host": False, "waiting_room": True},
    }
    with _client() as client:
        response = client.post(
            f"{setting('ZOOM_API_BASE')}/users/me/meetings",
            json=payload,
            headers={"Authorization": f"Bearer {access_token()}"},
        )
    if response.status_code != 201:
        raise ZoomError(f"meeting creation failed: {response.status_code} {response.text[:200]}")
    return response.json()


def signature(timestamp: str, body: bytes) -> str:
    message = b"v0:" + timestamp.encode() + b":" + body
    digest = hmac.new(setting("ZOOM_WEBHOOK_SECRET_TOKEN").encode(), message, hashlib.sha256)
    return f"v0={digest.hexdigest()}"


def verify_webhook(
    body: bytes, timestamp: str | None, received: str | None, now: float | None = None
) -> bool:
    if not timestamp or not received or not setting("ZOOM_WEBHOOK_SECRET_TOKEN"):
        return False
    try:
        age = abs((now or time.time()) - int(timestamp))
    except ValueError:
        return False
    if age > SIGNATURE_TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(signature(timestamp, body), received)


def url_validation_response(plain_token: str) -> dict[str, str]:
    encrypted = hmac.new(
        setting("ZOOM_WEBHOOK_SECRET_TOKEN").encode(), plain_token.encode(), hashlib.sha256
    ).hexdigest()
    return {"plainToken": plain_token, "encryptedToken": encrypted}
