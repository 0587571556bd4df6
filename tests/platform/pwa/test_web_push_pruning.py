"""A push service that answers 404 Not Found (the subscription is unknown there: expired, or
the browser's data was cleared) prunes that subscription like 410 Gone does: the next
notification is not sent to it again. The push service is a stand-in at the HTTP boundary
(notifications.push.make_http_client); encryption and VAPID signing are the real ones."""

import base64
import os
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from notifications import push, services, tasks
from notifications.models import WebPushSubscription

pytestmark = pytest.mark.django_db
HOST = "push.example.test"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def subscription(name: str) -> dict[str, Any]:
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return {
        "endpoint": f"https://{HOST}/wpush/{name}",
        "keys": {"p256dh": b64url(point), "auth": b64url(os.urandom(16))},
    }


@pytest.fixture
def requests_to(settings: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """Each endpoint's answers, in order: 404 for the first request to ``tablet``, 201 else."""
    settings.VAPID_PRIVATE_KEY = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    settings.VAPID_SUBJECT = "mailto:push@toto.example"
    settings.WEB_PUSH_ENDPOINT_HOSTS = [HOST]
    answers: dict[str, list[int]] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["authorization"].startswith("vapid t=")
        assert request.headers["content-encoding"] == "aes128gcm"
        name = request.url.path.rsplit("/", 1)[1]
        status = 404 if name == "tablet" and not answers.get(name) else 201
        answers.setdefault(name, []).append(status)
        return httpx.Response(status)

    monkeypatch.setattr(
        push,
        "make_http_client",
        lambda http2=False: httpx.Client(transport=httpx.MockTransport(handler)),
    )
    return answers


def test_a_subscription_the_push_service_does_not_know_404_is_pruned(
    api_client: Any, student: Any, requests_to: dict[str, list[int]]
) -> None:
    api_client.force_login(student)
    for name in ("phone", "tablet"):
        response = api_client.post(
            "/api/v1/notifications/web-push/", subscription(name), format="json"
        )
        assert response.status_code == 201, response.content
    first = services.notify(student, "message.new", "Lena wrote", "¿Quedamos?")
    assert tasks.send_notification_push(str(first.pk)) == 1
    assert requests_to == {"phone": [201], "tablet": [404]}
    assert list(WebPushSubscription.objects.values_list("endpoint", flat=True)) == [
        f"https://{HOST}/wpush/phone"
    ]
    second = services.notify(student, "message.new", "Lena wrote again", "¿Mañana?")
    assert tasks.send_notification_push(str(second.pk)) == 1
    assert requests_to == {"phone": [201, 201], "tablet": [404]}  # not asked again
