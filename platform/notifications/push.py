"""Mobile push through FCM HTTP v1 and APNs, over httpx.

FCM: a service account signs a JWT (RS256) that Google's token endpoint exchanges for an
OAuth2 access token (cached until shortly before it expires), then
``POST https://fcm.googleapis.com/v1/projects/<project>/messages:send``.
APNs: HTTP/2 JSON to ``/3/device/<token>`` with a provider JWT (ES256, key id and team id),
reused for 50 minutes as Apple asks (no more than one new token per 20 minutes).
A device the provider says is gone (FCM UNREGISTERED / INVALID_ARGUMENT on the token,
APNs 410 or BadDeviceToken) is deactivated.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt
from django.conf import settings
from django.core.cache import cache
from operations import configuration

logger = logging.getLogger(__name__)

FCM_SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
FCM_SEND_URL = "https://fcm.googleapis.com/v1/projects/{project_id}/messages:send"
APNS_HOSTS = {False: "https://api.push.apple.com", True: "https://api.sandbox.push.apple.com"}
GONE_FCM_CODES = {"UNREGISTERED", "INVALID_ARGUMENT"}
GONE_APNS_REASONS = {"BadDeviceToken", "Unregistered", "DeviceTokenNotForTopic"}


class PushNotConfigured(Exception):
    pass


@dataclass
class PushResult:
    delivered: bool
    device_gone: bool = False
    detail: str = ""


def make_http_client(*, http2: bool = False) -> httpx.Client:
    """The one place push HTTP clients are made (tests swap in an httpx.MockTransport)."""
    return httpx.Client(http2=http2, timeout=10)


def _stringify(data: dict[str, Any]) -> dict[str, str]:
    # FCM's data payload is a map of strings.
    return {
        key: value if isinstance(value, str) else json.dumps(value) for key, value in data.items()
    }


class FcmSender:
    def __init__(self, client: httpx.Client, service_account: dict[str, Any]) -> None:
        self.client = client
        self.account = service_account

    @classmethod
    def from_settings(cls, client: httpx.Client) -> FcmSender:
        if not settings.FCM_SERVICE_ACCOUNT_FILE:
            raise PushNotConfigured("FCM_SERVICE_ACCOUNT_FILE is not set.")
        return cls(client, json.loads(Path(settings.FCM_SERVICE_ACCOUNT_FILE).read_text()))

    def access_token(self) -> str:
        cache_key = f"push:fcm:token:{self.account['client_email']}"
        token = cache.get(cache_key)
        if token:
            return str(token)
        now = int(time.time())
        token_uri = self.account.get("token_uri", "https://oauth2.googleapis.com/token")
        assertion = jwt.encode(
            {
                "iss": self.account["client_email"],
                "scope": FCM_SCOPE,
                "aud": token_uri,
                "iat": now,
                "exp": now + 3600,
            },
            self.account["private_key"],
            algorithm="RS256",
            headers={"kid": self.account.get("private_key_id")},
        )
        response = self.client.post(
            token_uri,
            data={
                "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "assertion": assertion,
            },
        )
        response.raise_for_status()
        body = response.json()
        cache.set(cache_key, body["access_token"], timeout=max(60, int(body["expires_in"]) - 120))
        return str(body["access_token"])

    def send(self, token: str, title: str, body: str, data: dict[str, Any]) -> PushResult:
        response = self.client.post(
            FCM_SEND_URL.format(project_id=self.account["project_id"]),
            headers={"Authorization": f"Bearer {self.access_token()}"},
            json={
                "message": {
                    "token": token,
                    "notification": {"title": title, "body": body},
                    "data": _stringify(data),
                }
            },
        )
        if response.status_code == 200:
            return PushResult(True, detail=response.json().get("name", ""))
        error = response.json().get("error", {})
        codes = {
            detail.get("errorCode")
            for detail in error.get("details", [])
            if isinstance(detail, dict)
        }
        gone = response.status_code == 404 or bool(codes & GONE_FCM_CODES)
        return PushResult(
            False, device_gone=gone, detail=error.get("status", str(response.status_code))
        )


class ApnsSender:
    def __init__(
        self,
        client: httpx.Client,
        *,
        key: str,
        key_id: str,
        team_id: str,
        topic: str,
        sandbox: bool,
    ) -> None:
        self.client = client
        self.key, self.key_id, self.team_id, self.topic = key, key_id, team_id, topic
        self.host = APNS_HOSTS[sandbox]

    @classmethod
    def from_settings(cls, client: httpx.Client) -> ApnsSender:
        if not (settings.APNS_KEY_FILE and settings.APNS_KEY_ID and settings.APNS_TEAM_ID):
            raise PushNotConfigured("APNS_KEY_FILE, APNS_KEY_ID and APNS_TEAM_ID are needed.")
        return cls(
            client,
            key=Path(settings.APNS_KEY_FILE).read_text(),
            key_id=settings.APNS_KEY_ID,
            team_id=settings.APNS_TEAM_ID,
            topic=settings.APNS_TOPIC,
            sandbox=settings.APNS_USE_SANDBOX,
        )

    def provider_token(self) -> str:
        cache_key = f"push:apns:token:{self.team_id}:{self.key_id}"
        token = cache.get(cache_key)
        if not token:
            token = jwt.encode(
                {"iss": self.team_id, "iat": int(time.time())},
                self.key,
                algorithm="ES256",
                headers={"kid": self.key_id},
            )
            cache.set(cache_key, token, timeout=50 * 60)
        return str(token)

    def send(self, token: str, title: str, body: str, data: dict[str, Any]) -> PushResult:
        response = self.client.post(
            f"{self.host}/3/device/{token}",
            headers={
                "authorization": f"bearer {self.provider_token()}",
                "apns-topic": self.topic,
                "apns-push-type": "alert",
                "apns-priority": "10",
            },
            json={"aps": {"alert": {"title": title, "body": body}, "sound": "default"}, **data},
        )
        if response.status_code == 200:
            return PushResult(True, detail=response.headers.get("apns-id", ""))
        reason = response.json().get("reason", "") if response.content else ""
        gone = response.status_code == 410 or reason in GONE_APNS_REASONS
        return PushResult(False, device_gone=gone, detail=reason or str(response.status_code))


# --- Web Push (RFC 8030 delivery, RFC 8291 aes128gcm payloads, RFC 8292 VAPID) ---------------


def vapid_public_key() -> str:
    """The applicationServerKey browsers subscribe with: the VAPID public key as an
    uncompressed P-256 point, base64url without padding. Empty when Web Push is off."""
    private_key = configuration.value("VAPID_PRIVATE_KEY")
    if not private_key:
        return ""
    from cryptography.hazmat.primitives import serialization
    from py_vapid import Vapid02, b64urlencode

    vapid = Vapid02.from_pem(private_key.encode())
    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return str(b64urlencode(raw))


class WebPushSender:
    """Encrypts a payload for one subscription (pywebpush's aes128gcm encoder), signs a VAPID
    token for the push service's origin (py-vapid, cached per origin for 12 hours of its
    24-hour life) and POSTs it over the shared httpx client. 404/410: the subscription is
    gone (RFC 8030 §7.3)."""

    TOKEN_LIFETIME = 24 * 3600

    def __init__(self, client: httpx.Client, private_key_pem: str, subject: str, ttl: int) -> None:
        from py_vapid import Vapid02

        self.client = client
        self.vapid = Vapid02.from_pem(private_key_pem.encode())
        self.subject = subject
        self.ttl = ttl

    @classmethod
    def from_settings(cls, client: httpx.Client) -> WebPushSender:
        """The VAPID key and contact from the admin's service configuration (read each time:
        a key saved there takes effect without a restart), else the environment/settings."""
        private_key = configuration.value("VAPID_PRIVATE_KEY")
        if not private_key:
            raise PushNotConfigured("VAPID_PRIVATE_KEY is not set.")
        return cls(client, private_key, configuration.value("VAPID_SUBJECT"), settings.WEB_PUSH_TTL)

    def authorization(self, endpoint: str) -> str:
        url = httpx.URL(endpoint)
        audience = f"{url.scheme}://{url.netloc.decode()}"
        cache_key = f"push:vapid:{audience}"
        header = cache.get(cache_key)
        if not header:
            claims = {
                "sub": self.subject,
                "aud": audience,
                "exp": int(time.time()) + self.TOKEN_LIFETIME,
            }
            header = self.vapid.sign(claims)["Authorization"]
            cache.set(cache_key, header, timeout=self.TOKEN_LIFETIME // 2)
        return str(header)

    def send(
        self, endpoint: str, p256dh: str, auth: str, message: dict[str, Any], *, urgency: str
    ) -> PushResult:
        from pywebpush import WebPusher

        pusher = WebPusher({"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}})
        body = pusher.encode(json.dumps(message).encode(), "aes128gcm")["body"]
        response = self.client.post(
            endpoint,
            content=body,
            headers={
                "Authorization": self.authorization(endpoint),
                "Content-Encoding": "aes128gcm",
                "Content-Type": "application/octet-stream",
                "TTL": str(self.ttl),
                "Urgency": urgency,
            },
        )
        if response.status_code in (200, 201, 202):
            return PushResult(True, detail=response.headers.get("location", ""))
        gone = response.status_code in (404, 410)
        return PushResult(False, device_gone=gone, detail=str(response.status_code))
