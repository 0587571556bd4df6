"""Web Push as a channel of the notifications app, tested at the HTTP boundary against a local
push service stand-in that does what a browser vendor's push service and the browser do with
our request: checks the VAPID token (RFC 8292) and decrypts the aes128gcm payload (RFC 8291)
with the subscriber's private key. Preferences and quiet hours apply; 404/410 prunes."""

import base64
import datetime as dt
import json
import os
import time
from typing import Any

import http_ece
import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone

from notifications import push, services, tasks
from notifications.models import Notification, WebPushSubscription

pytestmark = pytest.mark.django_db
PUSH_HOST = "push.example.test"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Browser:
    """A subscriber: the key pair and auth secret a browser makes for a push subscription."""

    def __init__(self, name: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.endpoint = f"https://{PUSH_HOST}/wpush/v2/{name}"

    @property
    def p256dh(self) -> str:
        return b64url(
            self.key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    def subscription_json(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth)},
        }


class PushServiceStandIn:
    """Answers like a push service: 201 for a live subscription, 410 for one it dropped, after
    verifying the VAPID JWT against the key in the header and that our server's public key is
    the one the browser subscribed with; keeps what each browser would receive, decrypted."""

    def __init__(self, application_server_key: str) -> None:
        self.application_server_key = application_server_key
        self.browsers: dict[str, Browser] = {}
        self.gone: set[str] = set()
        self.received: dict[str, list[dict[str, Any]]] = {}
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        assert request.method == "POST" and request.url.host == PUSH_HOST
        scheme, params = request.headers["authorization"].split(" ", 1)
        assert scheme == "vapid"
        fields = dict(part.strip().split("=", 1) for part in params.split(","))
        assert fields["k"] == self.application_server_key
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), unb64url(fields["k"])
        )
        claims = jwt.decode(
            fields["t"], public_key, algorithms=["ES256"], audience=f"https://{PUSH_HOST}"
        )
        assert claims["sub"].startswith("mailto:")
        assert time.time() < claims["exp"] <= time.time() + 24 * 3600
        assert request.headers["content-encoding"] == "aes128gcm"
        assert int(request.headers["ttl"]) > 0
        assert request.headers["urgency"] in {"very-low", "low", "normal", "high"}
        name = request.url.path.rsplit("/", 1)[1]
        if name in self.gone:
            return httpx.Response(410)
        browser = self.browsers[name]
        plain = http_ece.decrypt(
            request.content, private_key=browser.key, auth_secret=browser.auth, version="aes128gcm"
        )
        self.received.setdefault(name, []).append(
            {"message": json.loads(plain), "urgency": request.headers["urgency"]}
        )
        return httpx.Response(201, headers={"location": f"https://{PUSH_HOST}/m/1"})


@pytest.fixture
def vapid(settings: Any) -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    settings.VAPID_PRIVATE_KEY = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    settings.VAPID_SUBJECT = "mailto:push@toto.example"
    settings.WEB_PUSH_ENDPOINT_HOSTS = [PUSH_HOST]
    return b64url(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


@pytest.fixture
def push_service(vapid: str, monkeypatch: pytest.MonkeyPatch) -> PushServiceStandIn:
    service = PushServiceStandIn(vapid)
    monkeypatch.setattr(
        push,
        "make_http_client",
        lambda http2=False: httpx.Client(transport=httpx.MockTransport(service.handler)),
    )
    return service


def subscribe(api_client: Any, user: Any, service: PushServiceStandIn, name: str) -> Browser:
    browser = Browser(name)
    service.browsers[name] = browser
    api_client.force_login(user)
    response = api_client.post(
        "/api/v1/notifications/web-push/", browser.subscription_json(), format="json"
    )
    assert response.status_code == 201, response.json()
    return browser


def test_the_public_key_is_the_vapid_key(api_client: Any, student: Any, vapid: str) -> None:
    api_client.force_login(student)
    body = api_client.get("/api/v1/notifications/web-push/").json()
    assert body == {"public_key": vapid, "subscribed": 0}


def test_subscribe_validates_and_unsubscribe(api_client: Any, student: Any, vapid: str) -> None:
    api_client.force_login(student)
    browser = Browser("a")
    url = "/api/v1/notifications/web-push/"
    elsewhere = {**browser.subscription_json(), "endpoint": "https://169.254.169.254/latest"}
    response = api_client.post(url, elsewhere, format="json")
    assert response.status_code == 400 and "endpoint" in response.json()["fields"]
    missing = {"endpoint": browser.endpoint, "keys": {"auth": "x"}}
    assert api_client.post(url, missing, format="json").status_code == 400
    assert api_client.post(url, browser.subscription_json(), format="json").status_code == 201
    assert api_client.post(url, browser.subscription_json(), format="json").status_code == 200
    assert api_client.get(url).json()["subscribed"] == 1
    gone = api_client.post(f"{url}unsubscribe/", {"endpoint": browser.endpoint}, format="json")
    assert gone.status_code == 204
    assert not WebPushSubscription.objects.exists()


def test_a_notification_is_encrypted_signed_delivered_and_gone_ones_pruned(
    api_client: Any, student: Any, push_service: PushServiceStandIn
) -> None:
    subscribe(api_client, student, push_service, "phone")
    subscribe(api_client, student, push_service, "laptop")
    push_service.gone.add("laptop")
    notification = services.notify(
        student, "message.new", "Lena wrote", "¿Quedamos mañana?", {"conversation": "c1"}
    )
    Notification.objects.filter(pk=notification.pk).update(url="/chat/c1/")
    assert tasks.send_notification_push(str(notification.pk)) == 1
    [received] = push_service.received["phone"]
    assert received["message"] == {
        "title": "Lena wrote",
        "body": "¿Quedamos mañana?",
        "url": "/chat/c1/",
        "type": "message.new",
        "notification_id": str(notification.pk),
    }
    assert received["urgency"] == "high"
    assert list(WebPushSubscription.objects.values_list("endpoint", flat=True)) == [
        "https://push.example.test/wpush/v2/phone"
    ]
    assert WebPushSubscription.objects.get().last_used_at is not None
    # at most once per notification
    assert tasks.send_notification_push(str(notification.pk)) == 0


def test_preferences_and_quiet_hours_apply(
    api_client: Any,
    student: Any,
    push_service: PushServiceStandIn,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    subscribe(api_client, student, push_service, "phone")
    services.set_preferences(student, {"system": {"push": False}})
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(student, "system", "Maintenance tonight", "")
    assert push_service.requests == []

    now = timezone.now()
    start = (now - dt.timedelta(hours=1)).time()
    end = (now + dt.timedelta(hours=1)).time()
    services.update_settings(student, time_zone="UTC", quiet_hours_start=start, quiet_hours_end=end)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(student, "message.new", "Quiet please", "")
    assert push_service.requests == []

    services.update_settings(student, quiet_hours_start=None, quiet_hours_end=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(student, "message.new", "Now you hear it", "")
    assert [r["message"]["title"] for r in push_service.received["phone"]] == ["Now you hear it"]


def test_without_a_vapid_key_nothing_is_sent(
    api_client: Any, student: Any, push_service: PushServiceStandIn, settings: Any
) -> None:
    subscribe(api_client, student, push_service, "phone")
    settings.VAPID_PRIVATE_KEY = ""
    notification = services.notify(student, "system", "Hello", "")
    assert tasks.send_notification_push(str(notification.pk)) == 0
    assert push_service.requests == []
    assert api_client.get("/api/v1/notifications/web-push/").json()["public_key"] == ""
