"""FCM HTTP v1 and APNs, mocked at the HTTP boundary with the providers' real formats."""

import json
import urllib.parse

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from notifications import push, services, tasks
from notifications.models import Device, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def pem(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@pytest.fixture
def push_config(tmp_path, settings, rsa_key, ec_key):
    account = {
        "type": "service_account",
        "project_id": "toto-test",
        "private_key_id": "key-1",
        "private_key": pem(rsa_key),
        "client_email": "push@toto-test.iam.gserviceaccount.com",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    (tmp_path / "fcm.json").write_text(json.dumps(account))
    (tmp_path / "apns.p8").write_text(pem(ec_key))
    settings.FCM_SERVICE_ACCOUNT_FILE = str(tmp_path / "fcm.json")
    settings.APNS_KEY_FILE = str(tmp_path / "apns.p8")
    settings.APNS_KEY_ID = "ABC123DEFG"
    settings.APNS_TEAM_ID = "DEF123GHIJ"
    settings.APNS_TOPIC = "org.toto.app"


@pytest.fixture
def providers(monkeypatch, rsa_key, ec_key):
    """Google's token endpoint, FCM and APNs, answering as they do; they verify our JWTs."""
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url == "https://oauth2.googleapis.com/token":
            form = dict(urllib.parse.parse_qsl(request.content.decode()))
            assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
            claims = jwt.decode(
                form["assertion"],
                rsa_key.public_key(),
                algorithms=["RS256"],
                audience="https://oauth2.googleapis.com/token",
            )
            assert claims["scope"] == "https://www.googleapis.com/auth/firebase.messaging"
            assert claims["iss"] == "push@toto-test.iam.gserviceaccount.com"
            return httpx.Response(
                200,
                json={
                    "access_token": "ya29.test-token",
                    "expires_in": 3599,
                    "token_type": "Bearer",
                },
            )
        if request.url.host == "fcm.googleapis.com":
            assert request.url.path == "/v1/projects/toto-test/messages:send"
            assert request.headers["authorization"] == "Bearer ya29.test-token"
            message = json.loads(request.content)["message"]
            if message["token"] == "fcm-gone":
                return httpx.Response(
                    404,
                    json={
                        "error": {
                            "code": 404,
                            "message": "Requested entity was not found.",
                            "status": "NOT_FOUND",
                            "details": [
                                {
                                    "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                                    "errorCode": "UNREGISTERED",
                                }
                            ],
                        }
                    },
                )
            return httpx.Response(
                200,
                json={"name": "projects/toto-test/messages/0:1500415314455276%31bd1c9631bd1c96"},
            )
        if request.url.host == "api.push.apple.com":
            scheme, token = request.headers["authorization"].split(" ")
            assert scheme == "bearer"
            header = jwt.get_unverified_header(token)
            assert header == {"alg": "ES256", "kid": "ABC123DEFG", "typ": "JWT"}
            assert (
                jwt.decode(token, ec_key.public_key(), algorithms=["ES256"])["iss"] == "DEF123GHIJ"
            )
            assert request.headers["apns-topic"] == "org.toto.app"
            assert request.headers["apns-push-type"] == "alert"
            if request.url.path.endswith("/apns-gone"):
                return httpx.Response(
                    410, json={"reason": "Unregistered", "timestamp": 1700000000000}
                )
            return httpx.Response(200, headers={"apns-id": "EC1BF194-B3B2-424A-89A9-5A918A6E6B5E"})
        return httpx.Response(500)

    monkeypatch.setattr(
        push,
        "make_http_client",
        lambda http2=False: httpx.Client(transport=httpx.MockTransport(handler)),
    )
    return seen


def test_devices_register_and_unregister_through_the_api(api_client, student, other_student):
    api_client.force_login(student)
    assert (
        api_client.post("/api/v1/devices/", {"platform": "fcm", "token": "tok-1"}).status_code
        == 201
    )
    assert Device.objects.get(token="tok-1").user == student
    api_client.force_login(other_student)  # the phone changes hands
    assert (
        api_client.post("/api/v1/devices/", {"platform": "fcm", "token": "tok-1"}).status_code
        == 201
    )
    assert Device.objects.get(token="tok-1").user == other_student
    assert api_client.post("/api/v1/devices/", {"platform": "sms", "token": "x"}).status_code == 400
    assert api_client.delete("/api/v1/devices/tok-1/").status_code == 204
    assert not Device.objects.exists()


def test_push_goes_to_fcm_and_apns_and_gone_devices_are_retired(student, push_config, providers):
    for platform, token in [
        ("fcm", "fcm-ok"),
        ("fcm", "fcm-gone"),
        ("apns", "apns-ok"),
        ("apns", "apns-gone"),
    ]:
        services.register_device(student, platform, token)
    notification = services.notify(
        student, "system", "Class in 10 minutes", "Spanish A2", {"room": "r1"}
    )
    assert tasks.send_notification_push(str(notification.pk)) == 2
    fcm = [r for r in providers if r.url.host == "fcm.googleapis.com"]
    body = json.loads(fcm[0].content)["message"]
    assert body["notification"] == {"title": "Class in 10 minutes", "body": "Spanish A2"}
    assert body["data"]["room"] == "r1" and body["data"]["type"] == "system"
    apns = [r for r in providers if r.url.host == "api.push.apple.com"]
    assert json.loads(apns[0].content)["aps"]["alert"]["title"] == "Class in 10 minutes"
    # One OAuth exchange for both FCM sends (the access token is cached).
    assert sum(1 for r in providers if r.url.host == "oauth2.googleapis.com") == 1
    assert set(Device.objects.filter(active=False).values_list("token", flat=True)) == {
        "fcm-gone",
        "apns-gone",
    }
    assert Notification.objects.get().pushed_at is not None
    assert tasks.send_notification_push(str(notification.pk)) == 0  # at most once
